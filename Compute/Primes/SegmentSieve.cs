using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Functions.Compute.Primes;

/// <summary>
/// The segment driver: one thread's workspace that counts the primes of a range segment by segment. Per segment it
/// pre-sieves and crosses off the small primes one L1 block at a time, then the medium primes over the segment, then
/// the large primes from their bucket, and counts the remaining bits with popcount. Its memory is the segment plus
/// 8 bytes per sieving prime, O(√limit + segment), reused from chunk to chunk.
/// </summary>
internal sealed class SegmentSieve
{
    private readonly SievingPrimes _primes;
    private readonly int _segmentBytes;
    private readonly int _blockBytes;
    private readonly byte[] _segment;
    private readonly WheelPrimeGroups _smallPrimes;
    private readonly WheelPrimeGroups _mediumPrimes;
    private readonly BucketSieve _bucketSieve;

    public SegmentSieve(SievingPrimes primes)
    {
        _primes = primes;
        _segmentBytes = primes.Tuning.SegmentBytes;
        _blockBytes = primes.Tuning.BlockBytes;
        _segment = GC.AllocateUninitializedArray<byte>(_segmentBytes, pinned: true);
        _smallPrimes = new WheelPrimeGroups(primes.Primes.AsSpan(0, primes.SmallCount));
        _mediumPrimes = new WheelPrimeGroups(primes.Primes.AsSpan(primes.SmallCount, primes.WheelCount - primes.SmallCount));
        _bucketSieve = new BucketSieve(primes.Primes.Length - primes.WheelCount, primes.Primes.Length > primes.WheelCount ? primes.Primes[^1] : 0, primes.Tuning.SegmentShift);
    }

    /// <summary>When set, the time of each stage is added to it (the benchmark's stage profile).</summary>
    public SieveStageTimes? StageTimes { get; set; }

    /// <summary>Counts the primes in [<paramref name="low"/>, <paramref name="high"/>]; low is a multiple of 30.</summary>
    public long CountPrimes(long low, long high, CancellationToken cancellationToken)
    {
        if (low % 30 != 0) throw new ArgumentException("The range must start on a wheel byte.", nameof(low));
        if (high < low) return 0;
        long count = low == 0 ? SmallPrimesUpTo(high) : 0;
        var endByte = high / 30 + 1;
        var primes = _primes.Primes;
        var active = 0;
        _smallPrimes.Clear();
        _mediumPrimes.Clear();
        _bucketSieve.Reset();
        ref var segment = ref MemoryMarshal.GetArrayDataReference(_segment);
        var times = StageTimes;
        var clock = times?.Now() ?? 0;
        for (var segmentByte = low / 30; segmentByte < endByte; segmentByte += _segmentBytes)
        {
            // A segment is 4–10 ms of work, so checking each one keeps cancellation well under the 100 ms mark.
            cancellationToken.ThrowIfCancellationRequested();
            var bytes = (int)Math.Min(_segmentBytes, endByte - segmentByte);
            var segmentLow = segmentByte * 30;

            // A prime starts crossing off at p², so it joins in the segment that holds p².
            var segmentEnd = (segmentByte + bytes) * 30;
            for (; active < primes.Length && (long)primes[active] * primes[active] < segmentEnd; active++)
            {
                if (active >= _primes.WheelCount)
                {
                    _bucketSieve.Add(primes[active], segmentLow);
                    continue;
                }
                var (offset, wheelIndex) = Wheel30.FirstMultiple(primes[active], segmentLow);
                if (active < _primes.SmallCount) _smallPrimes.Add(primes[active], offset, wheelIndex);
                else _mediumPrimes.Add(primes[active], offset, wheelIndex);
            }
            if (times is not null) clock = times.Add(SieveStage.Setup, clock);

            for (var block = 0; block < bytes; block += _blockBytes)
            {
                var blockBytes = Math.Min(_blockBytes, bytes - block);
                PreSieve.Apply(_segment.AsSpan(block, blockBytes), segmentByte + block);
                if (times is not null) clock = times.Add(SieveStage.PreSieve, clock);
                WheelCrossOff.CrossOff(ref Unsafe.Add(ref segment, block), (nuint)blockBytes, _smallPrimes);
                if (times is not null) clock = times.Add(SieveStage.Small, clock);
            }
            WheelCrossOff.CrossOff(ref segment, (nuint)bytes, _mediumPrimes);
            if (times is not null) clock = times.Add(SieveStage.Medium, clock);
            _bucketSieve.CrossOff(ref segment);
            if (times is not null) clock = times.Add(SieveStage.Large, clock);

            if (segmentByte == 0) RestorePreSievedPrimes(bytes);
            if (segmentByte + bytes == endByte) _segment[bytes - 1] &= BitsUpTo((int)(high % 30));
            count += PopCount(bytes);
            if (times is not null) clock = times.Add(SieveStage.Count, clock);
        }
        return count;
    }

    /// <summary>The pre-sieve clears 7..163 as multiples of themselves and leaves 1 set; fix the first segment.</summary>
    private void RestorePreSievedPrimes(int bytes)
    {
        _segment[0] &= 0xFE;
        for (var p = 7; p <= PreSieve.MaxPrime && p / 30 < bytes; p += 2)
            if (IsPrime(p)) _segment[p / 30] |= (byte)(1 << Wheel30.BitIndex[p % 30]);
    }

    private static bool IsPrime(int n)
    {
        for (var d = 2; d * d <= n; d++) if (n % d == 0) return false;
        return true;
    }

    /// <summary>The primes 2, 3 and 5 are not on the wheel.</summary>
    private static int SmallPrimesUpTo(long high) => (high >= 2 ? 1 : 0) + (high >= 3 ? 1 : 0) + (high >= 5 ? 1 : 0);

    /// <summary>The bits of a byte whose residue is ≤ <paramref name="remainder"/>.</summary>
    private static byte BitsUpTo(int remainder)
    {
        var bits = 0;
        for (var j = 0; j < 8; j++) if (Wheel30.Residues[j] <= remainder) bits |= 1 << j;
        return (byte)bits;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long PopCount(int bytes)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(_segment.AsSpan(0, bytes & ~7));
        long count = 0;
        foreach (var word in words) count += BitOperations.PopCount(word);
        for (var i = bytes & ~7; i < bytes; i++) count += BitOperations.PopCount(_segment[i]);
        return count;
    }
}
