using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ComputeFunctions.Client;

/// <summary>
/// The client of the Compute functions job API: submit jobs, await them, list, cancel and read their results.
/// Thread-safe; keep one per base address. Transient failures are retried (see <see cref="JobsRetryOptions"/>);
/// refusals throw <see cref="JobsApiException"/>.
/// </summary>
public sealed class JobsClient
{
    private const string JobsPath = "api/jobs";

    // One connection pool for every client made without an HttpClient; connections are renewed so DNS changes are seen.
    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    });

    private readonly JobsTransport _transport;
    private readonly TimeSpan _longPollWait;
    private readonly TimeSpan _pollInterval;
    private readonly TimeProvider _time;

    /// <summary>A client of the app at <paramref name="baseUri"/>.</summary>
    /// <param name="baseUri">The app's address, such as <c>http://localhost:7071</c> or <c>https://&lt;app&gt;.azurewebsites.net</c>; a path is kept as a prefix.</param>
    /// <param name="functionKey">A function key, sent as <c>x-functions-key</c> on every request; none is needed locally.</param>
    /// <param name="httpClient">The HttpClient to send with (one from <c>IHttpClientFactory</c>, say); a shared one when null.</param>
    /// <param name="options">Retries, timeouts and long-polling; the defaults when null.</param>
    public JobsClient(Uri baseUri, string? functionKey = null, HttpClient? httpClient = null, JobsClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        if (!baseUri.IsAbsoluteUri || baseUri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"The base URI must be an absolute http or https URI, not '{baseUri}'.", nameof(baseUri));
        options ??= new JobsClientOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Retry.MaxRetries, nameof(options.Retry.MaxRetries));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.NetworkTimeout, TimeSpan.Zero, nameof(options.NetworkTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.LongPollWait, TimeSpan.Zero, nameof(options.LongPollWait));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PollInterval, TimeSpan.Zero, nameof(options.PollInterval));

        _transport = new JobsTransport(baseUri, functionKey, httpClient ?? SharedHttp.Value, options);
        _longPollWait = options.LongPollWait;
        _pollInterval = options.PollInterval;
        _time = options.TimeProvider;
    }

    /// <summary>The app's address; every request goes under it.</summary>
    public Uri BaseUri => _transport.Root;

    /// <summary>Submits a job of a kind the client knows; its result reads typed from the returned operation.</summary>
    /// <param name="input">The input, such as <c>new PrimesInput(10_000_000_000)</c>.</param>
    /// <param name="idempotencyKey">
    /// Makes the submit repeatable: the same key with the same input returns the same job. The client makes one (a new
    /// GUID) when none is given, so its own retries are safe either way; give one to be able to submit again later.
    /// </param>
    /// <param name="cancellationToken">Stops the submit; the job may still have been accepted.</param>
    /// <returns>The accepted job, usually <c>queued</c>.</returns>
    /// <exception cref="JobsApiException">The app refused the job (400 naming the field, 422, 413…) or stayed unavailable (503).</exception>
    public async Task<JobOperation<TResult>> SubmitAsync<TResult>(JobInput<TResult> input, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (job, key) = await SubmitCoreAsync(input.Kind, Serialize(input), idempotencyKey, WaitScope.None, cancellationToken).ConfigureAwait(false);
        return new JobOperation<TResult>(this, job, key);
    }

    /// <summary>Submits a job of any kind, the input given as JSON; its result is <see cref="Job.Result"/>, raw JSON.</summary>
    /// <inheritdoc cref="SubmitAsync{TResult}(JobInput{TResult}, string?, CancellationToken)"/>
    /// <param name="kind">The kind's name, as <see cref="GetKindsAsync"/> lists them.</param>
    /// <param name="input">The input object.</param>
    /// <param name="idempotencyKey">Makes the submit repeatable; the client makes one when none is given.</param>
    /// <param name="cancellationToken">Stops the submit; the job may still have been accepted.</param>
    public async Task<JobOperation> SubmitAsync(string kind, JsonElement input, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        var (job, key) = await SubmitCoreAsync(kind, input, idempotencyKey, WaitScope.None, cancellationToken).ConfigureAwait(false);
        return new JobOperation(this, job, key);
    }

    /// <summary>Submits a job and waits until it finishes; read the result from <see cref="JobOperation{TResult}.Value"/>.</summary>
    /// <param name="input">The input, such as <c>new PrimesInput(10_000_000_000)</c>.</param>
    /// <param name="idempotencyKey">Makes the submit repeatable; the client makes one when none is given.</param>
    /// <param name="timeout">How long to wait for the job to finish; no limit when null.</param>
    /// <param name="progress">Told of the job each time the client sees it still queued or running.</param>
    /// <param name="cancellationToken">Stops the submit or the wait; the job goes on.</param>
    /// <returns>The finished job: succeeded, failed or canceled.</returns>
    /// <exception cref="JobTimeoutException">The job had not finished within <paramref name="timeout"/>; the exception holds it.</exception>
    public async Task<JobOperation<TResult>> SubmitAndWaitAsync<TResult>(
        JobInput<TResult> input, string? idempotencyKey = null, TimeSpan? timeout = null, IProgress<Job>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (job, key) = await SubmitAndWaitCoreAsync(input.Kind, Serialize(input), idempotencyKey, timeout, progress, cancellationToken).ConfigureAwait(false);
        return new JobOperation<TResult>(this, job, key);
    }

    /// <summary>Submits a job of any kind and waits until it finishes.</summary>
    /// <inheritdoc cref="SubmitAndWaitAsync{TResult}(JobInput{TResult}, string?, TimeSpan?, IProgress{Job}?, CancellationToken)"/>
    /// <param name="kind">The kind's name.</param>
    /// <param name="input">The input object.</param>
    /// <param name="idempotencyKey">Makes the submit repeatable; the client makes one when none is given.</param>
    /// <param name="timeout">How long to wait for the job to finish; no limit when null.</param>
    /// <param name="progress">Told of the job each time the client sees it still queued or running.</param>
    /// <param name="cancellationToken">Stops the submit or the wait; the job goes on.</param>
    public async Task<JobOperation> SubmitAndWaitAsync(
        string kind, JsonElement input, string? idempotencyKey = null, TimeSpan? timeout = null, IProgress<Job>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        var (job, key) = await SubmitAndWaitCoreAsync(kind, input, idempotencyKey, timeout, progress, cancellationToken).ConfigureAwait(false);
        return new JobOperation(this, job, key);
    }

    /// <summary>Reads a job once, without waiting.</summary>
    /// <exception cref="JobsApiException">404 when there is no such job (unknown, malformed or purged id).</exception>
    public async Task<Job> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return (await SendForJobAsync(new JobsRequest(HttpMethod.Get, JobPath(id)), cancellationToken).ConfigureAwait(false)).Job;
    }

    /// <summary>
    /// Waits until a job finishes. Each request long-polls (<c>?wait=</c>, see <see cref="JobsClientOptions.LongPollWait"/>);
    /// when the server answers before that (its cap, or it ignores the wait) the next request follows its
    /// <c>Retry-After</c>. So a wait longer than the server's cap is a series of requests, and a dropped one is retried.
    /// </summary>
    /// <param name="id">The job's id.</param>
    /// <param name="timeout">How long to wait; no limit when null.</param>
    /// <param name="progress">Told of the job each time the client sees it still queued or running.</param>
    /// <param name="cancellationToken">Stops waiting (and the request in flight); the job goes on.</param>
    /// <returns>The finished job: succeeded (with its result), failed (with its error) or canceled.</returns>
    /// <exception cref="JobTimeoutException">The job had not finished within <paramref name="timeout"/>.</exception>
    /// <exception cref="JobsApiException">404 when there is no such job.</exception>
    public async Task<Job> WaitForCompletionAsync(string id, TimeSpan? timeout = null, IProgress<Job>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        using var scope = WaitScope.Start(timeout, _time, cancellationToken);
        try
        {
            return await PollUntilFinishedAsync(id, scope, progress).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (scope.TimedOut(cancellationToken))
        {
            throw new JobTimeoutException(id, scope.LastSeen, timeout!.Value, e);
        }
    }

    /// <summary>Cancels a queued or running job; canceling a canceled job again answers the same.</summary>
    /// <returns>The job, canceled.</returns>
    /// <exception cref="JobsApiException">409 when the job already succeeded or failed; 404 when there is no such job.</exception>
    public async Task<Job> CancelAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return (await SendForJobAsync(new JobsRequest(HttpMethod.Delete, JobPath(id)), cancellationToken).ConfigureAwait(false)).Job;
    }

    /// <summary>Lists jobs, newest first, page by page as the server links them (<c>nextUrl</c>).</summary>
    /// <param name="status">Only jobs in this state; all when null.</param>
    /// <param name="pageSize">Jobs per request, 1 to 100; the server's default (20) when null.</param>
    /// <param name="cancellationToken">Stops the listing.</param>
    public async IAsyncEnumerable<Job> ListAsync(JobStatus? status = null, int? pageSize = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (status is { } wanted) query.Add("status=" + Uri.EscapeDataString(wanted.ToString()));
        if (pageSize is { } top) query.Add("top=" + top.ToString(CultureInfo.InvariantCulture));
        string? path = query.Count == 0 ? JobsPath : $"{JobsPath}?{string.Join('&', query)}";
        while (path is not null)
        {
            var page = await GetJsonAsync<JobPage>(path, cancellationToken).ConfigureAwait(false);
            foreach (var job in page.Jobs) yield return job;
            // nextUrl is a path from the app's root; it is followed under this client's base, never to another host.
            path = page.NextUrl is { Length: > 0 } next ? PathOf(next) : null;
        }
    }

    /// <summary>
    /// Streams a succeeded job's stored result: the PNG of a <c>mandelbrot</c> job (<c>image/png</c>), the JSON result of the
    /// other kinds. Dispose the returned content.
    /// </summary>
    /// <exception cref="JobsApiException">
    /// 202 while the job is still queued or running; 409 when it failed or was canceled; 404 when there is no such job.
    /// </exception>
    public async Task<JobContent> OpenResultAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var response = await _transport.SendAsync(
            new JobsRequest(HttpMethod.Get, JobPath(id) + "/result", Completion: HttpCompletionOption.ResponseHeadersRead), cancellationToken).ConfigureAwait(false);
        try
        {
            if (response.StatusCode == HttpStatusCode.OK)
                return new JobContent(response, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                var job = await ReadJsonAsync<Job>(response, cancellationToken).ConfigureAwait(false);
                throw new JobsApiException(202, "Job not finished", $"Job {job.Id} is {job.Status}; its result is not there yet.");
            }

            throw await _transport.ReadFailureAsync(response, null, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>The kinds the app computes, with their input fields and limits.</summary>
    public async Task<IReadOnlyList<JobKind>> GetKindsAsync(CancellationToken cancellationToken = default) =>
        await GetJsonAsync<List<JobKind>>("api/kinds", cancellationToken).ConfigureAwait(false);

    private async Task<(Job Job, string Key)> SubmitAndWaitCoreAsync(
        string kind, JsonElement input, string? idempotencyKey, TimeSpan? timeout, IProgress<Job>? progress, CancellationToken cancellationToken)
    {
        using var scope = WaitScope.Start(timeout, _time, cancellationToken);
        var key = idempotencyKey ?? NewIdempotencyKey();
        try
        {
            // The submit itself long-polls, so a quick job is answered in one request.
            var (job, _) = await SubmitCoreAsync(kind, input, key, scope, scope.Token).ConfigureAwait(false);
            if (!job.Status.IsFinished) job = await PollUntilFinishedAsync(job.Id, scope, progress).ConfigureAwait(false);
            return (job, key);
        }
        catch (OperationCanceledException e) when (scope.TimedOut(cancellationToken))
        {
            throw scope.LastSeen is { } last
                ? new JobTimeoutException(last.Id, last, timeout!.Value, e)
                : new TimeoutException($"The submit was not answered within {timeout!.Value.TotalSeconds:0.###} s; submitting again with Idempotency-Key '{key}' returns the job if it was accepted.", e);
        }
    }

    private async Task<(Job Job, string Key)> SubmitCoreAsync(string kind, JsonElement input, string? idempotencyKey, WaitScope scope, CancellationToken cancellationToken)
    {
        var key = idempotencyKey ?? NewIdempotencyKey();
        var body = JsonSerializer.SerializeToUtf8Bytes(new SubmitBody(kind, input), JobsJson.Options);
        var wait = scope.IsNone ? 0 : LongPollSeconds(scope);
        var path = wait > 0 ? $"{JobsPath}?wait={wait.ToString(CultureInfo.InvariantCulture)}" : JobsPath;
        try
        {
            var answer = await SendForJobAsync(new JobsRequest(HttpMethod.Post, path, body, key), cancellationToken).ConfigureAwait(false);
            if (!scope.IsNone)
            {
                scope.LastSeen = answer.Job;
                if (!answer.Finished) await PauseAsync(answer, scope).ConfigureAwait(false);
            }

            return (answer.Job, key);
        }
        catch (JobsApiException e)
        {
            throw e.WithIdempotencyKey(key);
        }
    }

    private async Task<Job> PollUntilFinishedAsync(string id, WaitScope scope, IProgress<Job>? progress)
    {
        if (scope.LastSeen is { } accepted) progress?.Report(accepted);
        while (true)
        {
            var wait = LongPollSeconds(scope);
            var path = wait > 0 ? $"{JobPath(id)}?wait={wait.ToString(CultureInfo.InvariantCulture)}" : JobPath(id);
            var answer = await SendForJobAsync(new JobsRequest(HttpMethod.Get, path), scope.Token).ConfigureAwait(false);
            scope.LastSeen = answer.Job;
            if (answer.Finished) return answer.Job;
            progress?.Report(answer.Job);
            await PauseAsync(answer, scope).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Paces the next status request by the server's Retry-After (or <see cref="JobsClientOptions.PollInterval"/>), counted
    /// from the start of the previous one: after a long-poll that held, the next follows at once.
    /// </summary>
    private async Task PauseAsync(JobAnswer answer, WaitScope scope)
    {
        var pause = (answer.RetryAfter ?? _pollInterval) - answer.Elapsed;
        if (pause > TimeSpan.Zero) await Task.Delay(pause, _time, scope.Token).ConfigureAwait(false);
    }

    /// <summary>Seconds to ask the server to hold: the configured long-poll, kept inside the attempt limit and the time left.</summary>
    private int LongPollSeconds(WaitScope scope)
    {
        var limit = _transport.AttemptLimit - JobsTransport.LongPollMargin;
        var wait = _longPollWait < limit ? _longPollWait : limit;
        if (scope.Remaining is { } remaining && remaining < wait) wait = remaining;
        return wait >= TimeSpan.FromSeconds(1) ? (int)wait.TotalSeconds : 0;
    }

    /// <summary>A job answer: 200 when finished, 202 while queued or running (with Retry-After); anything else throws.</summary>
    private async Task<JobAnswer> SendForJobAsync(JobsRequest request, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        using var response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Accepted))
            throw await _transport.ReadFailureAsync(response, request.IdempotencyKey, cancellationToken).ConfigureAwait(false);
        var job = await ReadJsonAsync<Job>(response, cancellationToken).ConfigureAwait(false);
        // The status code says finished even for a state this client does not know; a known pending state wins over it.
        var finished = job.Status.IsFinished || (response.StatusCode == HttpStatusCode.OK && job.Status != JobStatus.Queued && job.Status != JobStatus.Running);
        return new JobAnswer(job, finished, _transport.RetryAfter(response), _time.GetElapsedTime(started));
    }

    private async Task<T> GetJsonAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await _transport.SendAsync(new JobsRequest(HttpMethod.Get, path), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
            throw await _transport.ReadFailureAsync(response, null, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(JobsJson.Options, cancellationToken).ConfigureAwait(false)
                ?? throw JobsTransport.Unreadable(response, null);
        }
        catch (JsonException e)
        {
            throw JobsTransport.Unreadable(response, e);
        }
    }

    private static JsonElement Serialize<TResult>(JobInput<TResult> input) =>
        JsonSerializer.SerializeToElement(input, input.GetType(), JobsJson.Options);

    /// <summary>32 hex digits of a new GUID: 122 random bits, so two submits never share a key by chance.</summary>
    private static string NewIdempotencyKey() => Guid.NewGuid().ToString("N");

    private static string JobPath(string id) => $"{JobsPath}/{Uri.EscapeDataString(id)}";

    private static string PathOf(string link) =>
        Uri.TryCreate(link, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" ? absolute.PathAndQuery : link;

    private sealed record SubmitBody(string Kind, JsonElement Input);

    private sealed record JobPage
    {
        public IReadOnlyList<Job> Jobs { get; init; } = [];

        public string? NextUrl { get; init; }
    }

    private readonly record struct JobAnswer(Job Job, bool Finished, TimeSpan? RetryAfter, TimeSpan Elapsed);

    /// <summary>One wait's deadline and cancellation, and the job as last seen in it.</summary>
    private sealed class WaitScope : IDisposable
    {
        public static readonly WaitScope None = new(null, null, CancellationToken.None, TimeProvider.System);

        private readonly CancellationTokenSource? _deadline;
        private readonly CancellationTokenSource? _linked;
        private readonly DateTimeOffset? _end;
        private readonly TimeProvider _time;

        private WaitScope(CancellationTokenSource? deadline, DateTimeOffset? end, CancellationToken cancellationToken, TimeProvider time)
        {
            _deadline = deadline;
            _end = end;
            _time = time;
            _linked = deadline is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            Token = _linked?.Token ?? cancellationToken;
        }

        public bool IsNone => ReferenceEquals(this, None);

        public CancellationToken Token { get; }

        public Job? LastSeen { get; set; }

        public TimeSpan? Remaining => _end is { } end ? end - _time.GetUtcNow() : null;

        public static WaitScope Start(TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken)
        {
            if (timeout is not { } limit) return new WaitScope(null, null, cancellationToken, time);
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, TimeSpan.Zero, nameof(timeout));
            return new WaitScope(new CancellationTokenSource(limit, time), time.GetUtcNow() + limit, cancellationToken, time);
        }

        /// <summary>True when the wait ended because its time ran out, not because the caller canceled.</summary>
        public bool TimedOut(CancellationToken callerToken) => _deadline?.IsCancellationRequested == true && !callerToken.IsCancellationRequested;

        public void Dispose()
        {
            _linked?.Dispose();
            _deadline?.Dispose();
        }
    }
}
