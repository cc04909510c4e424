namespace Functions.Jobs.Store;

/// <summary>Idempotency keys: which job each key was first used for, and with what request.</summary>
public interface IIdempotencyKeys
{
    /// <summary>The job an idempotency key is bound to, with no write; null for a key not used yet.</summary>
    Task<IdempotencyClaim?> FindIdempotencyClaimAsync(string keyHash, CancellationToken cancellationToken);

    /// <summary>Binds an idempotency key to a job: the first claim wins, later ones get the first claim back.</summary>
    Task<IdempotencyClaim> ClaimIdempotencyKeyAsync(IdempotencyClaim claim, CancellationToken cancellationToken);

    /// <summary>Forgets idempotency keys first used before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> PurgeIdempotencyKeysAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}

/// <param name="KeyHash">The SHA-256 of the client's Idempotency-Key, so the key itself is never stored.</param>
/// <param name="Fingerprint">The SHA-256 of the request the key was first used with.</param>
public sealed record IdempotencyClaim(string KeyHash, string JobId, string Fingerprint);
