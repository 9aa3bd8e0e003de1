package org.mobiedit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mobiedit} command line. */
@Command(
    name = "mobiedit",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "On-device knowledge editing for language models (MobiEdit): load, run and edit Qwen2/Llama models.",
    subcommands = {
      DemoCommand.class,
      GenerateCommand.class,
      EditCommand.class,
      AblationCommand.class,
      EvalCommand.class,
      CasesCommand.class,
      BenchCommand.class,
      TokenizeCommand.class,
      InspectCommand.class,
      BackendsCommand.class,
      SynthesizeCommand.class,
      PrepareCommand.class,
      CommandLine.HelpCommand.class
    })
public final class MobiEditCli implements Runnable {
  /** The longest picocli message repeated on the terminal (it may quote a huge argument). */
  private static final int MAX_USAGE_MESSAGE = 400;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final InterruptNotice interrupts;

  private MobiEditCli(InterruptNotice interrupts) {
    this.interrupts = interrupts;
  }

  /** What is printed if this run is interrupted; commands set their own message. */
  InterruptNotice interrupts() {
    return interrupts;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    InterruptNotice interrupts = new InterruptNotice(err);
    Runtime.getRuntime().addShutdownHook(interrupts.hook());
    int code = execute(args, out, err, interrupts, Path.of(System.getProperty("java.io.tmpdir")));
    interrupts.finished();
    System.exit(code);
  }

  /** Runs the command line with the given streams; returns the exit code (for tests and embedding). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    return execute(args, out, err, new InterruptNotice(err), Path.of(System.getProperty("java.io.tmpdir")));
  }

  /**
   * Runs the command line; every outcome is an {@link ExitCode} and at most a line or two on {@code err}.
   *
   * @param detailsDir where the details of an internal error are written
   */
  static int execute(String[] args, PrintWriter out, PrintWriter err, InterruptNotice interrupts, Path detailsDir) {
    return execute(commandLine(interrupts), args, out, err, detailsDir);
  }

  /** The command tree, with the exit codes in every command's help. */
  static CommandLine commandLine(InterruptNotice interrupts) {
    CommandLine cli = new CommandLine(new MobiEditCli(interrupts));
    documentExitCodes(cli);
    return cli;
  }

  /** Runs a prepared command tree (tests add commands that fail in chosen ways). */
  static int execute(CommandLine cli, String[] args, PrintWriter out, PrintWriter err, Path detailsDir) {
    FailureReport failures = new FailureReport(err, detailsDir, args);
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(MobiEditCli::usageError);
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> failures.report(ex).code());
    try {
      return cli.execute(args);
    } catch (Error e) { // picocli hands only Exceptions to the handler above
      return failures.report(e).code();
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static void documentExitCodes(CommandLine cli) {
    cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCode.helpList());
    for (CommandLine sub : cli.getSubcommands().values()) {
      documentExitCodes(sub);
    }
  }

  /** A malformed command line or a bad option value: one line naming the problem, and where help is. */
  private static int usageError(CommandLine.ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    // picocli's own messages may repeat an argument of any length; the option checks' are bounded already
    String message = ex instanceof OptionCheck.Failure ? ex.getMessage()
        : oneLine(ex.getMessage() == null ? "invalid command line" : ex.getMessage());
    err.println("error (usage): " + message + (message.endsWith(".") ? "" : ".") + " See '"
        + cmd.getCommandSpec().qualifiedName() + " --help'.");
    CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
    err.flush();
    return ExitCode.USAGE.code();
  }

  /** Control characters as spaces, cut to {@link #MAX_USAGE_MESSAGE} characters. */
  private static String oneLine(String message) {
    StringBuilder sb = new StringBuilder(Math.min(message.length(), MAX_USAGE_MESSAGE) + 16);
    for (int i = 0; i < message.length() && sb.length() < MAX_USAGE_MESSAGE; i++) {
      char c = message.charAt(i);
      sb.append(Character.isISOControl(c) ? ' ' : c);
    }
    if (message.length() > MAX_USAGE_MESSAGE) {
      sb.append("…(").append(message.length()).append(" characters)");
    }
    return sb.toString().strip();
  }
}
