using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Functions.Compute.Primes;

/// <summary>
/// Crosses off the large sieving primes, which have fewer than ~3 multiples per segment, with Tomás Oliveira e Silva's
/// bucket sieve: each prime waits in the list of the segment that holds its next multiple, so a segment touches only
/// the primes that hit it and never loops over the others. The lists form a ring as long as the largest step in
/// segments; a thread reuses them from chunk to chunk, so after warm-up nothing is allocated.
/// </summary>
internal sealed class BucketSieve
{
    private const int Shift = PrimesTuning.SegmentShift;
    private const uint SegmentMask = PrimesTuning.SegmentBytes - 1;

    private readonly WheelPrime[][] _lists;
    private readonly int[] _counts;
    private readonly int _ringMask;
    private long _segment;

    /// <param name="maxPrime">The largest prime that will be added.</param>
    /// <param name="primeCount">How many primes will be added, to size the lists.</param>
    public BucketSieve(long maxPrime, int primeCount)
    {
        // A step moves at most q·6 + 6 bytes (gap 6 on the wheel), so a prime waits at most this many segments ahead.
        var maxStep = maxPrime / 30 * 6 + 6;
        var ring = (int)BitOperations.RoundUpToPowerOf2((uint)((PrimesTuning.SegmentBytes + maxStep) / PrimesTuning.SegmentBytes + 1));
        _ringMask = ring - 1;
        _lists = new WheelPrime[ring][];
        _counts = new int[ring];
        for (var i = 0; i < ring; i++) _lists[i] = new WheelPrime[Math.Max(16, primeCount / ring)];
    }

    /// <summary>Empties all lists; the next segment is segment 0 of a new range.</summary>
    public void Reset()
    {
        Array.Clear(_counts);
        _segment = 0;
    }

    /// <summary>Adds a prime whose next multiple is <paramref name="offset"/> bytes after the current segment's start.</summary>
    public void Add(uint q, long offset, int wheelIndex)
    {
        var slot = (int)((_segment + (offset >> Shift)) & _ringMask);
        Append(slot, new WheelPrime(q, (uint)offset & SegmentMask, wheelIndex));
    }

    /// <summary>Crosses off the current segment's multiples of the large primes and moves on to the next segment.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void CrossOff(ref byte sieve)
    {
        var slot = (int)(_segment & _ringMask);
        var count = _counts[slot];
        _counts[slot] = 0;
        ref var masks = ref MemoryMarshal.GetReference(Wheel30.Masks);
        ref var carries = ref MemoryMarshal.GetReference(Wheel30.Carries);
        ref var gaps = ref MemoryMarshal.GetReference(Wheel30.Gaps);
        var list = _lists[slot];
        for (var k = 0; k < count; k++)
        {
            var prime = list[k];
            nuint q = prime.Q;
            nuint offset = prime.Offset;
            var wheel = prime.WheelIndex;
            do
            {
                Unsafe.Add(ref sieve, offset) &= Unsafe.Add(ref masks, wheel);
                offset += q * Unsafe.Add(ref gaps, wheel & 7) + Unsafe.Add(ref carries, wheel);
                wheel = (wheel & ~7) | ((wheel + 1) & 7);
            }
            while (offset < PrimesTuning.SegmentBytes);
            var target = (int)((_segment + (long)(offset >> Shift)) & _ringMask);
            Append(target, new WheelPrime(prime.Q, (uint)offset & SegmentMask, wheel));
        }
        _segment++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Append(int slot, WheelPrime prime)
    {
        var count = _counts[slot];
        var list = _lists[slot];
        if ((uint)count >= (uint)list.Length)
        {
            Array.Resize(ref _lists[slot], list.Length * 2);
            list = _lists[slot];
        }
        list[count] = prime;
        _counts[slot] = count + 1;
    }
}
