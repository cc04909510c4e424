namespace ComputeFunctions.Client;

/// <summary>A <c>primes</c> job: count the primes less than or equal to <paramref name="Limit"/> (0 to 10^13).</summary>
/// <param name="Limit">The upper bound, inclusive.</param>
public sealed record PrimesInput(long Limit) : JobInput<PrimesResult>("primes");

/// <summary>The result of a <c>primes</c> job.</summary>
/// <param name="Count">π(limit): how many primes are less than or equal to the limit.</param>
public sealed record PrimesResult(long Count);
