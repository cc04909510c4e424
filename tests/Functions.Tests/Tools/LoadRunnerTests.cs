using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ComputeFunctions.Client;
using Functions.Tests.Fixtures;
using LoadTool;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Tools;

[Trait("Category", TestCategories.Slow)]
public sealed class LoadRunnerTests
{
    private static readonly JsonElement PrimesInput = JsonDocument.Parse("""{"limit":1000000}""").RootElement.Clone();

    [Fact]
    public async Task RunAsync_JobsFinishSomeFailing_ReportsFinalStatusesAndOrderedPercentiles()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { PendingPolls = 2, Fails = job => job % 5 == 0 });

        var report = await RunAsync(api, jobs: 40, concurrency: 8, functionKey: "secret-key", waitSeconds: 5);

        Assert.Equal((40, 40, 40, 0, 0), (report.Submitted, report.Accepted, report.Completed, report.Lost, report.NotSubmitted));
        Assert.Equal(32, report.FinalStatuses[JobStatus.Succeeded.ToString()]);
        Assert.Equal(8, report.FinalStatuses[JobStatus.Failed.ToString()]);
        Assert.Equal(8, report.FailureCodes["kernel-error"]);
        Assert.Empty(report.Errors);
        Assert.Equal(LoadReport.ExitErrors, report.ExitCode);
        Assert.Equal(40 * 3, api.StatusRequests);
        Assert.All(api.FunctionKeys, key => Assert.Equal("secret-key", key));
        Assert.All(api.WaitValues, wait => Assert.Equal("5", wait));
        Assert.True(report.Throughput > 0);
        AssertOrdered(report.SubmitLatency, 40);
        AssertOrdered(report.CompletionLatency, 40);
        // Each job's completion time contains its submit time, so every order statistic does too.
        Assert.True(report.CompletionLatency.P50 >= report.SubmitLatency.P50);
        Assert.True(report.CompletionLatency.Max >= report.SubmitLatency.Max);
    }

    [Fact]
    public async Task RunAsync_Concurrency_KeepsExactlyThatManyRequestsInFlight()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { HoldUntilInFlight = 6 });

        var report = await RunAsync(api, jobs: 30, concurrency: 6);

        Assert.Equal(6, api.MaxInFlight);
        Assert.Equal(30, report.Succeeded);
        Assert.Empty(report.Errors);
        Assert.Equal(LoadReport.ExitSuccess, report.ExitCode);
    }

    [Fact]
    public async Task RunAsync_BusyAnswersWithoutRetry_CountsThemAsErrorsAndRejectedJobs()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { Busy = attempt => attempt % 3 == 0 ? 503 : null });

        var report = await RunAsync(api, jobs: 30, concurrency: 4);

        Assert.Equal(10, report.Errors["503"].Count);
        Assert.Contains("Too busy", report.Errors["503"].Example);
        Assert.Equal((30, 20, 20, 0), (report.Submitted, report.Accepted, report.Completed, report.Lost));
        Assert.Empty(report.BusyRetries);
        Assert.Equal(LoadReport.ExitErrors, report.ExitCode);
    }

    [Fact]
    public async Task RunAsync_BusyAnswersWithRetryBusy_ResubmitsUntilEveryJobIsAccepted()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { Busy = attempt => attempt % 3 == 0 ? 429 : null });

        var report = await RunAsync(api, jobs: 30, concurrency: 4, retryBusy: true);

        Assert.True(api.BusyAnswers > 0);
        Assert.Equal(api.BusyAnswers, report.BusyRetries["429"]);
        Assert.Equal((30, 30, 30), (report.Accepted, report.Succeeded, api.JobCount));
        Assert.InRange(report.AcceptedFirstTry, 30 - api.BusyAnswers, 29);
        Assert.Equal(30, report.FirstAnswerLatency.Count);
        // Each job's resubmits carry its one Idempotency-Key.
        Assert.Equal(30, api.Requests.Where(r => r.Method == "POST").Select(r => r.IdempotencyKey).Distinct().Count());
        Assert.Empty(report.Errors);
        Assert.Equal(LoadReport.ExitSuccess, report.ExitCode);
    }

    [Fact]
    public async Task RunAsync_AnswersInDoubtWithRetryBusy_ResendsThemCountsThemApartAsErrorsAndCreatesNoJobTwice()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { LosesAnswer = attempt => attempt % 4 == 0 });

        var report = await RunAsync(api, jobs: 20, concurrency: 4, retryBusy: true);

        Assert.Equal(api.SubmissionAttempts - 20, report.Errors[ErrorKinds.InDoubt].Count);
        Assert.Empty(report.BusyRetries);
        Assert.Equal((20, 20, 20), (report.Accepted, report.Succeeded, api.JobCount));
        Assert.InRange(report.AcceptedFirstTry, 20 - report.Errors[ErrorKinds.InDoubt].Count, 19);
        Assert.Equal(LoadReport.ExitErrors, report.ExitCode);
    }

    [Fact]
    public async Task RunAsync_StatusAnswers404_ReportsJobsLost()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { Forgets = job => job % 4 == 0 });

        var report = await RunAsync(api, jobs: 12, concurrency: 3);

        Assert.Equal((12, 9, 3), (report.Accepted, report.Completed, report.Lost));
        Assert.Equal(3, report.Errors["404"].Count);
        Assert.Equal(LoadReport.ExitLost, report.ExitCode);
    }

    [Fact]
    public async Task RunAsync_SucceededWithoutResult_CountsResultMissing()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { OmitsResult = job => job % 4 == 1 });

        var report = await RunAsync(api, jobs: 12, concurrency: 3);

        Assert.Equal(12, report.Succeeded);
        Assert.Equal(3, report.Errors[ErrorKinds.ResultMissing].Count);
        Assert.Equal(LoadReport.ExitErrors, report.ExitCode);
    }

    [Fact]
    public async Task RunAsync_InvalidInput_CountsProblemAnswersWithTheirDetail()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior());

        var report = await RunAsync(api, jobs: 5, concurrency: 2, input: JsonDocument.Parse("""{"limit":-1}""").RootElement);

        Assert.Equal(5, report.Errors["400"].Count);
        Assert.Contains("input.limit", report.Errors["400"].Example);
        Assert.Equal((5, 0, 0), (report.Submitted, report.Accepted, report.Lost));
        Assert.Equal(LoadReport.ExitErrors, report.ExitCode);
    }

    [Fact]
    public async Task RunAsync_StoppedWhileJobsPending_ReportsThemLostAndTheRestNotSubmitted()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { NeverFinishes = true, RetryAfterSeconds = 60 });
        using var http = new HttpClient();
        using var stop = new CancellationTokenSource();
        var runner = new LoadRunner(http, new LoadOptions(api.BaseUrl, 6, 4, "primes", PrimesInput, WaitSeconds: 0));

        var run = runner.RunAsync(stop.Token);
        await api.StatusRequestsReached(4).WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        var report = await run;

        Assert.Equal((4, 4, 4, 2, 0), (report.Submitted, report.Accepted, report.Lost, report.NotSubmitted, report.Completed));
        Assert.Empty(report.Errors);
        Assert.Equal(LoadReport.ExitLost, report.ExitCode);
    }

    [Fact]
    public async Task RunAsync_JobsOutlastTheRunTimeout_ReportsAcceptedJobsLost()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { NeverFinishes = true, RetryAfterSeconds = 60 });
        using var http = new HttpClient();
        var time = new FakeTimeProvider();
        var runner = new LoadRunner(http, new LoadOptions(api.BaseUrl, 3, 3, "primes", PrimesInput, WaitSeconds: 0, Timeout: TimeSpan.FromSeconds(2)), time);

        var run = runner.RunAsync(CancellationToken.None);
        await api.StatusRequestsReached(3).WaitAsync(TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(2));
        var report = await run;

        Assert.Equal((3, 3, 3, 0), (report.Submitted, report.Accepted, report.Lost, report.Completed));
        Assert.Equal(LoadReport.ExitLost, report.ExitCode);
    }

    [Fact]
    public async Task RunAsync_SubmissionsHang_CountsRequestTimeouts()
    {
        await using var api = await FakeJobApi.StartAsync(new FakeJobApiBehavior { HangsSubmissions = true });

        var report = await RunAsync(api, jobs: 3, concurrency: 3, requestTimeout: TimeSpan.FromMilliseconds(200));

        Assert.Equal(3, report.Errors[ErrorKinds.Timeout].Count);
        Assert.Equal((3, 0, 0), (report.Submitted, report.Accepted, report.Lost));
        Assert.Equal(LoadReport.ExitErrors, report.ExitCode);
    }

    [Fact]
    public async Task RunAsync_NothingListening_CountsConnectionErrors()
    {
        // Bound but not listening: connections are refused, and no one else can take the port meanwhile.
        using var bound = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        bound.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var closedPort = ((IPEndPoint)bound.LocalEndPoint!).Port;
        using var http = new HttpClient();
        var runner = new LoadRunner(http, new LoadOptions(new Uri($"http://127.0.0.1:{closedPort}"), 4, 2, "primes", PrimesInput, RetryBusy: false));

        var report = await runner.RunAsync(CancellationToken.None);

        Assert.Equal(4, report.Errors[ErrorKinds.Connection].Count);
        Assert.Equal((4, 0), (report.Submitted, report.Accepted));
        Assert.Equal(LoadReport.ExitErrors, report.ExitCode);
    }

    private static async Task<LoadReport> RunAsync(
        FakeJobApi api, int jobs, int concurrency, string? functionKey = null, int waitSeconds = 1, bool retryBusy = false,
        JsonElement? input = null, TimeSpan? requestTimeout = null)
    {
        using var http = new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        var options = new LoadOptions(api.BaseUrl, jobs, concurrency, "primes", input ?? PrimesInput, functionKey, waitSeconds,
            TimeSpan.FromSeconds(30), requestTimeout, retryBusy);
        return await new LoadRunner(http, options).RunAsync(CancellationToken.None);
    }

    private static void AssertOrdered(LatencySummary summary, int count)
    {
        Assert.Equal(count, summary.Count);
        Assert.True(TimeSpan.Zero < summary.P50, "p50 > 0");
        Assert.True(summary.P50 <= summary.P90 && summary.P90 <= summary.P99 && summary.P99 <= summary.Max, $"ordered: {summary}");
    }
}
