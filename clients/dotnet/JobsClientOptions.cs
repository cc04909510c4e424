using Microsoft.Extensions.Logging;

namespace ComputeFunctions.Client;

/// <summary>How a <see cref="JobsClient"/> retries, times out and long-polls.</summary>
public sealed class JobsClientOptions
{
    /// <summary>Retries of transient failures: 408, 429, 500, 502, 503, 504, connection failures and timeouts.</summary>
    public JobsRetryOptions Retry { get; } = new();

    /// <summary>
    /// The longest one HTTP attempt may take, a long-poll included; past it the attempt counts as failed (and is retried).
    /// Default 100 s.
    /// </summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// How long one status request asks the server to hold (<c>?wait=</c>) while a job runs. The server caps it (200 s
    /// by default) and a wait for longer is a series of such requests. It is kept 5 s under <see cref="NetworkTimeout"/>
    /// and the <see cref="HttpClient.Timeout"/>; zero polls at the pace of the server's <c>Retry-After</c>. Default 60 s.
    /// </summary>
    public TimeSpan LongPollWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The pause between status requests when the server gives no <c>Retry-After</c>. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Where retries are logged (at Warning); none by default.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The clock for waits, delays and timeouts; tests set a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

/// <summary>
/// Retries of transient failures. A submit is retried too: it always carries an <c>Idempotency-Key</c> (the client
/// makes one when the caller gives none), so a retry returns the job the first attempt created, never a second one.
/// </summary>
public sealed class JobsRetryOptions
{
    /// <summary>Retries after the first attempt; 0 turns retrying off. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first backoff delay, doubled per retry with jitter, when the server gives no <c>Retry-After</c>. Default 0.8 s.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(0.8);

    /// <summary>The longest backoff delay. A <c>Retry-After</c> from the server is honoured as given. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Called before each retry with what failed, for counting or logging; it must not throw.</summary>
    public Action<JobsRetry>? OnRetry { get; set; }
}

/// <summary>A failed attempt that is about to be retried.</summary>
/// <param name="Method">The request's method.</param>
/// <param name="RequestUri">The request's address.</param>
/// <param name="Attempt">Which attempt failed, from 1.</param>
/// <param name="Delay">How long the client waits before the next attempt.</param>
/// <param name="Failure">
/// What the attempt ended with: a <see cref="JobsApiException"/> for an HTTP answer (its status, problem and
/// <c>Retry-After</c>), an <see cref="HttpRequestException"/> for a connection failure, a <see cref="TimeoutException"/>
/// when no answer came within <see cref="JobsClientOptions.NetworkTimeout"/>.
/// </param>
/// <param name="IdempotencyKey">The key of a submit, which tells one submit's retries from another's.</param>
public sealed record JobsRetry(HttpMethod Method, Uri RequestUri, int Attempt, TimeSpan Delay, Exception Failure, string? IdempotencyKey);
