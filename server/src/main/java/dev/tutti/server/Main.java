package dev.tutti.server;

import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code tutti} program. Each subcommand is a small class; this one only parses, sets up
 * logging and maps failures to exit codes (0 success, 1 the command failed, 2 bad usage).
 */
@Command(
        name = "tutti",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Serves ensembles of ML models: neural nets (ONNX, TorchScript), gradient-boosted trees"
                + " (XGBoost, LightGBM) and linear models, combined into one answer with a confidence.",
        subcommands = {PredictCommand.class, DescribeCommand.class, ServeCommand.class, TrainCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    /** DJL probes for CUDA on every start and warns when there is none; CPU-only hosts need not hear it. */
    private static final Logger DJL_CUDA_PROBE = Logger.getLogger("ai.djl.util.cuda.CudaUtils");

    @Option(names = {"-v", "--verbose"}, description = "Log what the engine does (runtime choices, loading).", scope = CommandLine.ScopeType.INHERIT)
    void verbose(boolean verbose) {
        Logger.getLogger("").setLevel(verbose ? Level.INFO : Level.WARNING);
        DJL_CUDA_PROBE.setLevel(verbose ? Level.INFO : Level.SEVERE);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the program and returns its exit code (used by tests). */
    public static int run(String... args) {
        configureLogging();
        CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (Logger.getLogger("").isLoggable(Level.FINE)) {
                e.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        return cli.execute(args);
    }

    /** One line per record on stderr, warnings and up unless --verbose. */
    private static void configureLogging() {
        if (System.getProperty("java.util.logging.config.file") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
            LogManager.getLogManager().reset();
            java.util.logging.ConsoleHandler handler = new java.util.logging.ConsoleHandler();
            handler.setLevel(Level.ALL);
            Logger root = Logger.getLogger("");
            root.addHandler(handler);
            root.setLevel(Level.WARNING);
            DJL_CUDA_PROBE.setLevel(Level.SEVERE);
        }
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"tutti " + (version == null ? "(development build)" : version)
                    + ", Java " + Runtime.version()};
        }
    }
}
