using System.Text.Json;
using System.Text.Json.Serialization;

namespace ComputeFunctions.Client;

/// <summary>A job as the API shows it: <c>GET /api/jobs/{id}</c>, the answer of a submit or a cancel, or a listing entry.</summary>
public sealed record Job
{
    /// <summary>The job's id (32 hex digits).</summary>
    public required string Id { get; init; }

    /// <summary>The kind that computes it, such as <c>primes</c>.</summary>
    public string Kind { get; init; } = "";

    /// <summary>Where the job is in its life.</summary>
    public required JobStatus Status { get; init; }

    /// <summary>The share of its chunks done, 0 to 1.</summary>
    public double Progress { get; init; }

    /// <summary>Chunks computed so far.</summary>
    public int ChunksDone { get; init; }

    /// <summary>Chunks the job is split into; 0 until it is planned.</summary>
    public int ChunksTotal { get; init; }

    /// <summary>When the job was accepted.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When computing began.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the job finished.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The result as JSON, once the job succeeded; read it typed with <see cref="GetResult{TResult}"/>.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>Where stored content (a PNG) can be read, when the job has some: see <see cref="JobsClient.OpenResultAsync"/>.</summary>
    public string? ResultUrl { get; init; }

    /// <summary>Why the job failed or was canceled.</summary>
    public JobError? Error { get; init; }

    /// <summary>The job's path on the server, <c>/api/jobs/{id}</c>.</summary>
    public string? StatusUrl { get; init; }

    /// <summary>The result read as <typeparamref name="TResult"/> (for example <see cref="PrimesResult"/>); default when there is none yet.</summary>
    /// <exception cref="JsonException">The result does not have the shape of <typeparamref name="TResult"/>.</exception>
    public TResult? GetResult<TResult>() =>
        Result is { ValueKind: not JsonValueKind.Null } result ? result.Deserialize<TResult>(JobsJson.Options) : default;
}

/// <summary>Why a job ended <c>failed</c> (or <c>canceled</c>): a stable code and a message for people.</summary>
public sealed record JobError
{
    /// <summary>A short stable code, such as <c>retries-exhausted</c>.</summary>
    public string Code { get; init; } = "";

    /// <summary>What went wrong, for people; never a stack trace.</summary>
    public string Message { get; init; } = "";
}
