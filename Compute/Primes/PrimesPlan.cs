using System.Collections.Concurrent;

namespace Functions.Compute.Primes;

/// <summary>The partial result of a run of chunks: how many primes they hold.</summary>
public sealed record PrimeCount(long Count);

/// <summary>
/// A primes job: the chunks of <see cref="ChunkSplit"/>, the sieving primes computed once and shared, and a pool of
/// per-thread <see cref="SegmentSieve"/> workspaces so a chunk allocates nothing after a thread's first one.
/// </summary>
internal sealed class PrimesPlan : ComputePlan<PrimeCount>
{
    private readonly ChunkSplit _split;
    private readonly Lazy<SievingPrimes> _sievingPrimes;
    private readonly ConcurrentBag<SegmentSieve> _workspaces = [];

    public PrimesPlan(long limit) : this(limit, PrimesTuning.ForLimit(limit))
    {
    }

    public PrimesPlan(long limit, PrimesTuning tuning)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, PrimesKind.MaxLimit);
        _split = new ChunkSplit(limit);
        _sievingPrimes = new(() => new SievingPrimes(limit, tuning), LazyThreadSafetyMode.ExecutionAndPublication);
        ChunkCost = PrimesCostModel.ChunkCost(_split);
    }

    public override int ChunkCount => _split.ChunkCount;

    public override TimeSpan ChunkCost { get; }

    public override WorkEstimate Estimate => PrimesCostModel.Estimate(_split.Limit);

    public override PrimeCount Compute(int index, CancellationToken cancellationToken)
    {
        var (low, high) = _split.Range(index);
        if (!_workspaces.TryTake(out var sieve)) sieve = new SegmentSieve(_sievingPrimes.Value);
        try
        {
            return new PrimeCount(sieve.CountPrimes(low, high, cancellationToken));
        }
        finally
        {
            _workspaces.Add(sieve);
        }
    }

    public override PrimeCount Combine(PrimeCount earlier, PrimeCount later) => new(earlier.Count + later.Count);

    public override ComputeOutput Complete(PrimeCount partial) => ComputeOutput.Json(new { count = partial.Count });
}
