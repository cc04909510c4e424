using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ComputeFunctions.Client;

/// <summary>One request to the API, as each attempt sends it again: same method, address, body and Idempotency-Key.</summary>
internal sealed record JobsRequest(
    HttpMethod Method,
    string Path,
    byte[]? JsonBody = null,
    string? IdempotencyKey = null,
    HttpCompletionOption Completion = HttpCompletionOption.ResponseContentRead);

/// <summary>
/// Sends requests under the API's rules: the function key on every request, and transient failures retried by a Polly
/// pipeline (retry outside, a timeout per attempt inside), honouring Retry-After. Only the client's base origin is ever
/// addressed, so the key never goes anywhere else.
/// </summary>
internal sealed class JobsTransport
{
    public const string FunctionKeyHeader = "x-functions-key";
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>How much of an attempt's time a long-poll leaves for the answer to travel.</summary>
    public static readonly TimeSpan LongPollMargin = TimeSpan.FromSeconds(5);

    private static readonly ResiliencePropertyKey<JobsRequest> RequestKey = new("ComputeFunctions.Client.Request");
    private static readonly string UserAgent = CreateUserAgent();

    private readonly HttpClient _http;
    private readonly Uri _root;
    private readonly string? _functionKey;
    private readonly TimeSpan _networkTimeout;
    private readonly TimeProvider _time;
    private readonly Action<JobsRetry>? _onRetry;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public JobsTransport(Uri baseUri, string? functionKey, HttpClient http, JobsClientOptions options)
    {
        _http = http;
        // Paths are resolved under the base, so a base with a path (a gateway prefix) keeps it.
        _root = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        _functionKey = string.IsNullOrEmpty(functionKey) ? null : functionKey;
        _networkTimeout = options.NetworkTimeout;
        _time = options.TimeProvider;
        _onRetry = options.Retry.OnRetry;
        _logger = options.LoggerFactory?.CreateLogger("ComputeFunctions.Client.JobsClient") ?? NullLogger.Instance;
        _pipeline = BuildPipeline(options);
    }

    public Uri Root => _root;

    /// <summary>The longest attempt: the client's network timeout, or the HttpClient's own timeout when that is shorter.</summary>
    public TimeSpan AttemptLimit => _http.Timeout == Timeout.InfiniteTimeSpan || _http.Timeout > _networkTimeout ? _networkTimeout : _http.Timeout;

    public Uri Resolve(string path) => new(_root, path.TrimStart('/'));

    /// <summary>
    /// Sends <paramref name="request"/>, retrying transient failures; returns the first answer that is not one, or the last
    /// one when retries run out. Throws <see cref="HttpRequestException"/> or <see cref="TimeoutException"/> when no answer came.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(JobsRequest request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (context, state) =>
                {
                    using var message = state.Transport.CreateMessage(state.Request);
                    return await state.Transport._http.SendAsync(message, state.Request.Completion, context.CancellationToken).ConfigureAwait(false);
                },
                context,
                (Transport: this, Request: request)).ConfigureAwait(false);
        }
        catch (Exception e) when (AsTimeout(request, e, cancellationToken) is { } timeout)
        {
            throw timeout;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>An error answer as the exception callers get: its problem+json read, or what the body holds.</summary>
    public async Task<JobsApiException> ReadFailureAsync(HttpResponseMessage response, string? idempotencyKey, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            body = "";
        }

        var status = (int)response.StatusCode;
        var retryAfter = RetryAfter(response);
        if (ReadProblem(body) is { } problem)
            return new JobsApiException(status, problem.Title ?? response.ReasonPhrase, problem.Detail, problem.Field, retryAfter, idempotencyKey, problem.Extensions, null);
        var text = body.Trim();
        return new JobsApiException(status, response.ReasonPhrase, text.Length == 0 ? null : Shorten(text), null, retryAfter,
            idempotencyKey, new Dictionary<string, JsonElement>(), null);
    }

    /// <summary>A success answer whose body is not what the API promises.</summary>
    public static JobsApiException Unreadable(HttpResponseMessage response, Exception? error) =>
        new((int)response.StatusCode, "Unreadable answer",
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}: {error?.Message ?? "the body is empty"}",
            null, null, null, new Dictionary<string, JsonElement>(), error);

    public TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private HttpRequestMessage CreateMessage(JobsRequest request)
    {
        var message = new HttpRequestMessage(request.Method, Resolve(request.Path));
        message.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/problem+json"));
        if (_functionKey is not null) message.Headers.TryAddWithoutValidation(FunctionKeyHeader, _functionKey);
        if (request.IdempotencyKey is not null) message.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, request.IdempotencyKey);
        if (request.JsonBody is not null)
            message.Content = new ByteArrayContent(request.JsonBody) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } };
        return message;
    }

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline(JobsClientOptions options)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = options.TimeProvider };
        if (options.Retry.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.Retry.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.Retry.Delay,
                MaxDelay = options.Retry.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response ? RetryAfter(response) : null),
                OnRetry = OnRetryAsync,
            });
        }

        return builder.AddTimeout(options.NetworkTimeout).Build();
    }

    /// <summary>
    /// Transient: a connection failure, no answer in time, or 408, 429, 500, 502, 503, 504. A POST is retried only when it
    /// carries an Idempotency-Key (a submit always does), so a retry can never create a second job.
    /// </summary>
    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        var request = context.Properties.GetValue(RequestKey, null!);
        if (request.Method == HttpMethod.Post && request.IdempotencyKey is null) return false;
        return outcome switch
        {
            { Exception: HttpRequestException or TimeoutRejectedException } => true,
            // HttpClient.Timeout: a cancellation the caller did not ask for.
            { Exception: OperationCanceledException { InnerException: TimeoutException } } => !context.CancellationToken.IsCancellationRequested,
            { Result: { } response } => IsTransient(response.StatusCode),
            _ => false,
        };
    }

    private static bool IsTransient(HttpStatusCode status) => (int)status is 408 or 429 or 500 or 502 or 503 or 504;

    private async ValueTask OnRetryAsync(OnRetryArguments<HttpResponseMessage> args)
    {
        var request = args.Context.Properties.GetValue(RequestKey, null!);
        Exception failure = args.Outcome.Result is { } response
            ? await ReadFailureAsync(response, request.IdempotencyKey, args.Context.CancellationToken).ConfigureAwait(false)
            : AsTimeout(request, args.Outcome.Exception!, args.Context.CancellationToken) ?? args.Outcome.Exception!;
        var uri = Resolve(request.Path);
        ClientLog.Retrying(_logger, request.Method.Method, uri.AbsolutePath, (long)args.RetryDelay.TotalMilliseconds, args.AttemptNumber + 1, failure.Message);
        _onRetry?.Invoke(new JobsRetry(request.Method, uri, args.AttemptNumber + 1, args.RetryDelay, failure, request.IdempotencyKey));
    }

    /// <summary>The attempt timeout (Polly's) or the HttpClient's timeout as a <see cref="TimeoutException"/>; null for anything else.</summary>
    private TimeoutException? AsTimeout(JobsRequest request, Exception error, CancellationToken cancellationToken) => error switch
    {
        TimeoutRejectedException => new TimeoutException($"{request.Method} {Resolve(request.Path).AbsolutePath}: no answer within {_networkTimeout.TotalSeconds:0.###} s.", error),
        OperationCanceledException { InnerException: TimeoutException } when !cancellationToken.IsCancellationRequested =>
            new TimeoutException($"{request.Method} {Resolve(request.Path).AbsolutePath}: no answer within the HttpClient's timeout of {_http.Timeout.TotalSeconds:0.###} s.", error),
        _ => null,
    };

    private static Problem? ReadProblem(string body)
    {
        if (!body.TrimStart().StartsWith('{')) return null;
        try
        {
            using var document = JsonDocument.Parse(body);
            string? title = null, detail = null, field = null;
            var extensions = new Dictionary<string, JsonElement>();
            foreach (var member in document.RootElement.EnumerateObject())
            {
                var text = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null;
                switch (member.Name)
                {
                    case "title": title = text; break;
                    case "detail": detail = text; break;
                    case "field": field = text; break;
                    case "status": break;
                    default: extensions[member.Name] = member.Value.Clone(); break;
                }
            }

            return new Problem(title, detail, field, extensions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 500 ? text : text[..500] + "…";

    /// <summary><c>ComputeFunctions.Client/0.1.0 (.NET 10.0.12; Debian GNU/Linux 12)</c>, as the Azure SDK guidelines shape it.</summary>
    private static string CreateUserAgent()
    {
        var version = typeof(JobsTransport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
        static string Clean(string text) => new(text.Where(c => c is >= ' ' and <= '~' and not '(' and not ')').ToArray());
        return $"ComputeFunctions.Client/{version} ({Clean(RuntimeInformation.FrameworkDescription)}; {Clean(RuntimeInformation.OSDescription)})";
    }

    private sealed record Problem(string? Title, string? Detail, string? Field, IReadOnlyDictionary<string, JsonElement> Extensions);
}
