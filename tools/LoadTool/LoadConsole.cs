using System.Globalization;
using Spectre.Console;

namespace LoadTool;

/// <summary>The console face of a run: a live progress bar while it runs, then the report and the exit code.</summary>
public static class LoadConsole
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(250);

    public static async Task<int> RunAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Concurrency,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        })
        { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        var runner = new LoadRunner(http, options);
        var console = AnsiConsole.Console;
        // Redirected output (CI logs) defaults to 80 columns, which wraps the report lines.
        if (Console.IsOutputRedirected) console.Profile.Width = Math.Max(console.Profile.Width, 120);

        console.MarkupLineInterpolated($"Submitting [bold]{options.Jobs}[/] {options.Kind} jobs, [bold]{options.Concurrency}[/] at a time, to [link]{options.BaseUrl}[/] (long-poll {options.WaitSeconds} s, run timeout {options.RunTimeout.TotalSeconds:0} s{(options.RetryBusy ? ", retrying busy answers" : "")}).");
        var report = await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask(Describe(runner.Progress), maxValue: options.Jobs);
                var run = runner.RunAsync(cancellationToken);
                while (!run.IsCompleted)
                {
                    Show(bar, runner.Progress);
                    await Task.WhenAny(run, Task.Delay(RefreshInterval, CancellationToken.None));
                }
                Show(bar, runner.Progress);
                return await run;
            });

        Write(console, report);
        return report.ExitCode;
    }

    public static void Write(IAnsiConsole console, LoadReport report)
    {
        console.WriteLine();
        console.MarkupLineInterpolated($"Jobs: requested {report.Requested}, submitted {report.Submitted}, accepted {report.Accepted} ({report.AcceptedFirstTry} at the first try), completed {report.Completed}, lost {report.Lost}, not submitted {report.NotSubmitted}");
        if (report.FinalStatuses.Count > 0)
            console.MarkupLineInterpolated($"Final status: {Join(report.FinalStatuses)}");
        if (report.FailureCodes.Count > 0)
            console.MarkupLineInterpolated($"Failed or canceled jobs by error code: {Join(report.FailureCodes)}");
        console.MarkupLineInterpolated($"Throughput: [bold]{report.Throughput:0.00}[/] jobs/s ({report.Completed} completed in {report.Elapsed.TotalSeconds:0.0} s)");

        var latency = new Table().AddColumns("latency", "count", "p50", "p90", "p99", "max");
        foreach (var column in latency.Columns.Skip(1)) column.RightAligned();
        AddLatency(latency, "first answer", report.FirstAnswerLatency);
        AddLatency(latency, "submit", report.SubmitLatency);
        AddLatency(latency, "completion", report.CompletionLatency);
        console.Write(latency);

        if (report.Errors.Count > 0)
        {
            var errors = new Table().AddColumns("error", "count", "first seen");
            errors.Columns[1].RightAligned();
            foreach (var (kind, count) in report.Errors.OrderByDescending(error => error.Value.Count))
                errors.AddRow(Markup.Escape(kind), count.Count.ToString(CultureInfo.InvariantCulture), Markup.Escape(count.Example));
            console.Write(errors);
        }
        else
        {
            console.MarkupLine("Errors: none");
        }
        if (report.BusyRetries.Count > 0)
            console.MarkupLineInterpolated($"Busy answers retried (not errors): {Join(report.BusyRetries)}");

        console.MarkupLine(Verdict(report));
    }

    private static string Verdict(LoadReport report)
    {
        if (report.ExitCode == LoadReport.ExitSuccess) return "[green]OK[/]: every job was accepted and succeeded, with no errors (exit 0).";
        var problems = new List<string>();
        if (report.Lost > 0) problems.Add($"{report.Lost} accepted job(s) never reached a final state");
        if (report.ErrorTotal > 0) problems.Add($"{report.ErrorTotal} error(s)");
        if (report.Submitted - report.Accepted > 0) problems.Add($"{report.Submitted - report.Accepted} job(s) not accepted");
        if (report.Completed - report.Succeeded > 0) problems.Add($"{report.Completed - report.Succeeded} job(s) ended failed or canceled");
        if (report.NotSubmitted > 0) problems.Add($"{report.NotSubmitted} job(s) not submitted before the run ended");
        var label = report.ExitCode == LoadReport.ExitLost ? "[red]LOST[/]" : "[yellow]NOT CLEAN[/]";
        return $"{label}: {Markup.Escape(string.Join("; ", problems))} (exit {report.ExitCode}).";
    }

    private static void Show(ProgressTask bar, LoadProgress progress)
    {
        bar.Value = progress.Settled;
        bar.Description = Describe(progress);
    }

    private static string Describe(LoadProgress progress) =>
        (progress.Submitted < progress.Requested ? $"{progress.Submitted} sent · " : "")
        + $"{progress.Queued} queued · {progress.Running} running · {progress.Completed} done · {progress.Errors} errors"
        + (progress.Lost > 0 ? $" · [red]{progress.Lost} lost[/]" : "");

    private static void AddLatency(Table table, string name, LatencySummary summary) =>
        table.AddRow(name, summary.Count.ToString(CultureInfo.InvariantCulture), Format(summary.P50), Format(summary.P90), Format(summary.P99), Format(summary.Max));

    private static string Format(TimeSpan duration) =>
        duration.TotalSeconds >= 10 ? $"{duration.TotalSeconds:0.0} s"
        : duration.TotalMilliseconds >= 100 ? $"{duration.TotalMilliseconds:0} ms"
        : $"{duration.TotalMilliseconds:0.0} ms";

    private static string Join(IReadOnlyDictionary<string, int> counts) =>
        string.Join(", ", counts.OrderByDescending(pair => pair.Value).Select(pair => $"{pair.Key} {pair.Value}"));
}
