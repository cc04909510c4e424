using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace LoadTool;

/// <summary>
/// Submits <see cref="LoadOptions.Jobs"/> jobs with at most <see cref="LoadOptions.Concurrency"/> in flight, each followed
/// from its POST to its final status by long-polling, and tallies what it saw. It sends only to the origin of the base URL.
/// </summary>
public sealed class LoadRunner
{
    private const string FunctionKeyHeader = "x-functions-key";
    private static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient http;
    private readonly LoadOptions options;
    private readonly Uri jobsUri;
    private readonly byte[] submitBody;
    private readonly LoadTally tally;
    private readonly TimeProvider time;

    public LoadRunner(HttpClient http, LoadOptions options, TimeProvider? time = null)
    {
        if (!options.BaseUrl.IsAbsoluteUri || options.BaseUrl.Scheme is not ("http" or "https"))
            throw new ArgumentException($"The base URL must be an absolute http or https URL, not '{options.BaseUrl}'.", nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Jobs, nameof(options.Jobs));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Jobs, LoadOptions.MaxJobs, nameof(options.Jobs));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Concurrency, nameof(options.Concurrency));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Concurrency, LoadOptions.MaxConcurrency, nameof(options.Concurrency));
        ArgumentOutOfRangeException.ThrowIfNegative(options.WaitSeconds, nameof(options.WaitSeconds));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.RunTimeout, TimeSpan.Zero, nameof(options.Timeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.EffectiveRequestTimeout, TimeSpan.Zero, nameof(options.RequestTimeout));

        this.http = http;
        this.options = options;
        this.time = time ?? TimeProvider.System;
        jobsUri = new Uri(options.BaseUrl.AbsoluteUri.TrimEnd('/') + "/api/jobs");
        submitBody = JsonSerializer.SerializeToUtf8Bytes(new SubmitJobRequest(options.Kind, options.Input), Json);
        tally = new LoadTally(options.Jobs);
    }

    public LoadProgress Progress => tally.Progress();

    /// <summary>Runs until every job is settled or the run timeout (or <paramref name="cancellationToken"/>) stops it; either way returns the report.</summary>
    public async Task<LoadReport> RunAsync(CancellationToken cancellationToken)
    {
        using var runTimeout = new CancellationTokenSource(options.RunTimeout, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, runTimeout.Token);
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, options.Jobs),
            new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency },
            async (_, _) => await RunJobAsync(stop.Token));
        return tally.Report(Stopwatch.GetElapsedTime(started));
    }

    private async Task RunJobAsync(CancellationToken stop)
    {
        if (stop.IsCancellationRequested)
        {
            tally.NotSubmitted();
            return;
        }

        var submitStarted = Stopwatch.GetTimestamp();
        tally.Submitted();
        Uri? statusUri;
        try
        {
            statusUri = await SubmitAsync(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            tally.Error(ErrorKinds.Deadline, "the run ended before the job was accepted");
            tally.Rejected();
            return;
        }
        if (statusUri is null) return;

        var lastPending = JobStatuses.Queued;
        try
        {
            var outcome = await AwaitFinalStatusAsync(statusUri, status => { tally.Moved(lastPending, status); lastPending = status; }, stop);
            if (outcome is null) tally.Lost(lastPending);
            else tally.Completed(lastPending, outcome.Status!, outcome.Error?.Code, Stopwatch.GetElapsedTime(submitStarted));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            tally.Lost(lastPending);
        }
    }

    /// <summary>POSTs the job (again after a busy answer when asked to); returns where to poll it, or null when it was not accepted.</summary>
    private async Task<Uri?> SubmitAsync(CancellationToken stop)
    {
        while (true)
        {
            var answer = await SendAsync(HttpMethod.Post, jobsUri, submitBody, stop);
            if (answer.FailureKind is { } failure)
            {
                tally.Error(failure, answer.Detail);
                tally.Rejected();
                return null;
            }

            if (IsSuccess(answer.Status))
            {
                tally.Accepted(answer.Elapsed);
                var statusUri = ResolveStatusUri(jobsUri, answer.Location, ReadView(answer.Body));
                if (statusUri is null)
                {
                    tally.Error(ErrorKinds.BadResponse, $"{(int)answer.Status} without Location, statusUrl or id");
                    tally.Lost(JobStatuses.Queued);
                }
                return statusUri;
            }

            if (options.RetryBusy && IsBusy(answer.Status))
            {
                tally.BusyRetry(StatusText(answer.Status));
                await Task.Delay(answer.RetryAfter ?? DefaultRetryDelay, stop);
                continue;
            }

            tally.Error(StatusText(answer.Status), answer.Detail);
            tally.Rejected();
            return null;
        }
    }

    /// <summary>Polls until a final status (returned), or a sign the job is gone (null). Transient failures are counted and retried.</summary>
    private async Task<JobStatusView?> AwaitFinalStatusAsync(Uri statusUri, Action<string> observedPending, CancellationToken stop)
    {
        var pollUri = options.WaitSeconds > 0 ? WithQuery(statusUri, $"wait={options.WaitSeconds}") : statusUri;
        while (true)
        {
            var pollStarted = Stopwatch.GetTimestamp();
            var answer = await SendAsync(HttpMethod.Get, pollUri, null, stop);
            TimeSpan pause;
            if (answer.FailureKind is { } failure)
            {
                tally.Error(failure, answer.Detail);
                pause = DefaultRetryDelay;
            }
            else if (answer.Status is HttpStatusCode.OK or HttpStatusCode.Accepted)
            {
                var view = ReadView(answer.Body);
                if (answer.Status == HttpStatusCode.OK && JobStatuses.IsFinal(view?.Status))
                {
                    if (view!.Status == JobStatuses.Succeeded && view.Result is not { ValueKind: not JsonValueKind.Null })
                        tally.Error(ErrorKinds.ResultMissing, $"job {view.Id} succeeded without a result");
                    return view;
                }
                if (answer.Status == HttpStatusCode.OK && !JobStatuses.IsPending(view?.Status))
                {
                    tally.Error(ErrorKinds.BadResponse, $"200 with status '{view?.Status}': {Shorten(answer.Body)}");
                    return null;
                }
                if (JobStatuses.IsPending(view?.Status)) observedPending(view!.Status!);
                // Retry-After paces polls from the start of the previous one, so a long-poll that already waited polls again at once.
                pause = (answer.RetryAfter ?? (options.WaitSeconds > 0 ? TimeSpan.Zero : DefaultRetryDelay)) - Stopwatch.GetElapsedTime(pollStarted);
            }
            else if (IsTransient(answer.Status))
            {
                tally.Error(StatusText(answer.Status), answer.Detail);
                pause = answer.RetryAfter ?? DefaultRetryDelay;
            }
            else
            {
                tally.Error(StatusText(answer.Status), answer.Detail);
                return null;
            }

            if (pause > TimeSpan.Zero) await Task.Delay(pause, stop);
        }
    }

    private async Task<Answer> SendAsync(HttpMethod method, Uri uri, byte[]? body, CancellationToken stop)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (options.FunctionKey is { Length: > 0 } key) request.Headers.Add(FunctionKeyHeader, key);
        if (body is not null) request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(options.EffectiveRequestTimeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var content = await response.Content.ReadAsStringAsync(timeout.Token);
            return new Answer(response.StatusCode, response.Headers.Location, RetryAfter(response.Headers.RetryAfter), content,
                Stopwatch.GetElapsedTime(started), null, Describe(response, content));
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return Answer.Failed(ErrorKinds.Timeout, $"{method} {uri.AbsolutePath}: no answer within {options.EffectiveRequestTimeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException error)
        {
            return Answer.Failed(ErrorKinds.Connection, $"{method} {uri.AbsolutePath}: {error.HttpRequestError}: {error.Message}");
        }
    }

    /// <summary>
    /// Where to poll an accepted job: its Location (relative or absolute), else the body's statusUrl, else <c>api/jobs/{id}</c>.
    /// A Location on another origin keeps only its path, so the tool never sends to a host it was not given.
    /// </summary>
    public static Uri? ResolveStatusUri(Uri jobsUri, Uri? location, JobStatusView? body)
    {
        var reference = location?.OriginalString ?? body?.StatusUrl ?? (body?.Id is { Length: > 0 } id ? $"{jobsUri.AbsolutePath}/{Uri.EscapeDataString(id)}" : null);
        if (string.IsNullOrWhiteSpace(reference) || !Uri.TryCreate(jobsUri, reference, out var resolved)) return null;
        return resolved.GetLeftPart(UriPartial.Authority) == jobsUri.GetLeftPart(UriPartial.Authority)
            ? resolved
            : new Uri(jobsUri, resolved.PathAndQuery);
    }

    private static Uri WithQuery(Uri uri, string parameter)
    {
        var builder = new UriBuilder(uri);
        builder.Query = builder.Query.Length > 1 ? $"{builder.Query[1..]}&{parameter}" : parameter;
        return builder.Uri;
    }

    private static JobStatusView? ReadView(string body)
    {
        try
        {
            return body.Length == 0 ? null : JsonSerializer.Deserialize<JobStatusView>(body, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header) =>
        header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);

    private static string Describe(HttpResponseMessage response, string content)
    {
        var path = response.RequestMessage?.RequestUri?.AbsolutePath;
        var detail = ProblemDetail(content) ?? (content.Length > 0 ? Shorten(content) : response.ReasonPhrase);
        return $"{response.RequestMessage?.Method} {path}: {(int)response.StatusCode} {detail}";
    }

    private static string? ProblemDetail(string content)
    {
        try
        {
            using var document = JsonDocument.Parse(content);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return null;
            string? Read(string name) => document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            return Read("detail") ?? Read("title");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;

    private static bool IsBusy(HttpStatusCode status) => status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests;

    private static bool IsTransient(HttpStatusCode status) => (int)status >= 500 || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;

    private static string StatusText(HttpStatusCode status) => ((int)status).ToString(CultureInfo.InvariantCulture);

    private readonly record struct Answer(HttpStatusCode Status, Uri? Location, TimeSpan? RetryAfter, string Body, TimeSpan Elapsed, string? FailureKind, string Detail)
    {
        public static Answer Failed(string kind, string detail) => new(default, null, null, "", TimeSpan.Zero, kind, detail);
    }
}
