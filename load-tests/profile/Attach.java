import com.sun.tools.attach.VirtualMachine;

/**
 * Loads async-profiler into a running JVM with the JDK Attach API and passes it one command, e.g.
 * {@code start,event=itimer,interval=1ms,threads} or {@code stop,file=out.collapsed,collapsed}.
 * (jcmd's JVMTI.agent_load splits options at '=', so it cannot pass these.) Run as a source file:
 * {@code java load-tests/profile/Attach.java <pid> <libasyncProfiler.so> <command>}.
 */
public class Attach {

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Attach <pid> <libasyncProfiler.so> <command>");
            System.exit(2);
        }
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        try {
            vm.loadAgentPath(args[1], args[2]);
        }
        finally {
            vm.detach();
        }
    }
}
