package com.flashkey.order.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a {@link StartupCheck} refusal as Boot's "APPLICATION FAILED TO START" report, without a stack trace. */
class StartupCheckFailureAnalyzer extends AbstractFailureAnalyzer<StartupCheck.StartupCheckException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StartupCheck.StartupCheckException cause) {
        StringBuilder description = new StringBuilder("order-service refuses this configuration:");
        cause.problems().forEach(problem -> description.append("\n    - ").append(problem));
        return new FailureAnalysis(description.toString(),
                "Set the properties above (in a cluster from the Secrets named in docs/deploy.md, \"Secrets\"), or run "
                        + "with the '" + StartupCheck.LOCAL_PROFILE + "' profile for local development (bin/flashkey "
                        + "does) to use the development defaults of application-local.yml.",
                cause);
    }
}
