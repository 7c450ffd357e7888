package com.flashkey.e2e;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives test classes the one running {@link E2eSuite}: started by the first class that asks, kept in the root store
 * so every class of the run shares it, closed (down, databases dropped) when the run ends.
 */
public final class E2eExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == E2eSuite.class || type == Shop.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        E2eSuite suite = context.getRoot().getStore(ExtensionContext.Namespace.create(E2eExtension.class))
                .computeIfAbsent(Started.class, key -> Started.start(), Started.class).suite();
        return parameter.getParameter().getType() == E2eSuite.class ? suite : suite.shop();
    }

    /** The suite, or why it did not start (remembered, so the other classes fail at once instead of retrying). */
    private record Started(E2eSuite suite0, RuntimeException failure) implements AutoCloseable {

        static Started start() {
            try {
                return new Started(E2eSuite.start(), null);
            }
            catch (RuntimeException ex) {
                return new Started(null, ex);
            }
        }

        E2eSuite suite() {
            if (failure != null) {
                throw failure;
            }
            return suite0;
        }

        @Override
        public void close() {
            if (suite0 != null) {
                suite0.close();
            }
        }
    }
}
