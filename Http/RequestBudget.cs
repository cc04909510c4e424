namespace Functions.Http;

/// <summary>
/// What one request may spend: the <c>?wait=</c> it asked for, and a deadline for its storage work after that.
/// <see cref="Token"/> ends at the deadline or when the caller goes away; <see cref="StorageDeadline"/> only at the
/// deadline, for work that must be seen through once begun (a job being stored). <see cref="StorageTimeLimit"/> is the
/// deadline's length, from which a submit's turn in line at storage is planned.
/// </summary>
public sealed record RequestBudget(TimeSpan Wait, CancellationToken Token, CancellationToken StorageDeadline, TimeSpan StorageTimeLimit);
