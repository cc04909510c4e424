using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Functions.Compute.Primes;

/// <summary>
/// Crosses off the large sieving primes, which have only a few multiples per segment, with Tomás Oliveira e Silva's
/// bucket sieve: each prime waits in the list of the segment that holds its next multiple, so a segment touches only
/// the primes that hit it. A visit crosses off one multiple and files the prime under the segment of its next one,
/// even if that is the current segment, so there is no loop per prime and no mispredicted loop exit. The primes step
/// on the modulo-210 wheel (<see cref="Wheel210"/>).
/// </summary>
/// <remarks>
/// The lists are chains of fixed buckets of 1024 primes taken from one pool; a bucket is returned as soon as it is
/// read, so the few buckets being filled stay in cache. The lists form a ring as long as the largest step in
/// segments. The pool is sized for every large prime at once, so it never grows and the crossing loop makes no call
/// (a call there made the JIT keep the loop's state on the stack); a thread reuses it from chunk to chunk.
/// </remarks>
internal sealed class BucketSieve
{
    private const int BucketShift = 10;
    private const int BucketSize = 1 << BucketShift;

    /// <summary>A prime's offset in its segment sits above its 9-bit <see cref="Wheel210"/> index.</summary>
    private const int WheelBits = 9;
    private const uint WheelMask = (1 << WheelBits) - 1;

    private readonly int _shift;
    private readonly uint _segmentMask;
    private readonly int[] _head;
    private readonly int[] _cursor;
    private readonly int _ringMask;
    private readonly BucketPrime[] _pool;
    private readonly int[] _nextBucket;
    private readonly int[] _free;
    private int _freeCount;
    private long _segment;

    /// <param name="count">How many primes will be added at most.</param>
    /// <param name="maxPrime">The largest prime that will be added.</param>
    /// <param name="segmentShift">log2 of the segment's bytes.</param>
    public BucketSieve(int count, long maxPrime, int segmentShift)
    {
        _shift = segmentShift;
        _segmentMask = (1u << segmentShift) - 1;
        var segmentBytes = 1L << segmentShift;
        // A step moves at most q·10 + 10 bytes (gap 10 on the wheel), so a prime waits at most this many segments ahead.
        var maxStep = maxPrime / 30 * 10 + 10;
        var ring = (int)BitOperations.RoundUpToPowerOf2((uint)((segmentBytes + maxStep) / segmentBytes + 1));
        _ringMask = ring - 1;
        _head = new int[ring];
        _cursor = new int[ring];
        // Every prime sits in one bucket, and only the bucket being read holds primes already filed again, so at most
        // count / size + 1 buckets are full; add a partly filled head per list, the head of the chain being read, and
        // two to spare. A wrong bound fails loudly: taking from an empty free list is an index out of range.
        var buckets = count / BucketSize + ring + 4;
        _pool = new BucketPrime[buckets * BucketSize];
        _nextBucket = new int[buckets];
        _free = new int[buckets];
        for (var bucket = buckets - 1; bucket >= 0; bucket--) _free[_freeCount++] = bucket;
        for (var slot = 0; slot < ring; slot++)
        {
            _head[slot] = Allocate();
            _cursor[slot] = _head[slot] << BucketShift;
        }
    }

    /// <summary>Empties all lists; the next segment is segment 0 of a new range.</summary>
    public void Reset()
    {
        for (var slot = 0; slot <= _ringMask; slot++)
        {
            for (var bucket = _nextBucket[_head[slot]]; bucket >= 0;)
            {
                var next = _nextBucket[bucket];
                _free[_freeCount++] = bucket;
                bucket = next;
            }
            _nextBucket[_head[slot]] = -1;
            _cursor[slot] = _head[slot] << BucketShift;
        }
        _segment = 0;
    }

    /// <summary>Adds a prime that starts crossing off in the current segment, which starts at number <paramref name="low"/>.</summary>
    public void Add(uint prime, long low)
    {
        var (offset, wheelIndex) = Wheel210.FirstMultiple(prime, low);
        var slot = (int)((_segment + (offset >> _shift)) & _ringMask);
        var at = _cursor[slot];
        _pool[at++] = new BucketPrime(prime / 30, ((uint)offset & _segmentMask) << WheelBits | (uint)wheelIndex);
        _cursor[slot] = (at & (BucketSize - 1)) == 0 ? NewHead(slot) : at;
    }

    /// <summary>Crosses off the current segment's multiples of the large primes and moves on to the next segment.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void CrossOff(ref byte sieve)
    {
        var slot = (int)(_segment & _ringMask);
        // Primes filed under this segment while it is crossed off land in a fresh list, read by the next round.
        while (_cursor[slot] != _head[slot] << BucketShift || _nextBucket[_head[slot]] >= 0)
        {
            var bucket = _head[slot];
            var end = _cursor[slot];
            _head[slot] = Allocate();
            _cursor[slot] = _head[slot] << BucketShift;
            while (bucket >= 0)
            {
                CrossOffBucket(ref sieve, bucket << BucketShift, end);
                var next = _nextBucket[bucket];
                _free[_freeCount++] = bucket;
                bucket = next;
                end = (bucket << BucketShift) + BucketSize;
            }
        }
        _segment++;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CrossOffBucket(ref byte sieve, int start, int end)
    {
        ref var steps = ref MemoryMarshal.GetArrayDataReference(Wheel210.Steps);
        ref var cursors = ref MemoryMarshal.GetArrayDataReference(_cursor);
        ref var pool = ref MemoryMarshal.GetArrayDataReference(_pool);
        var segment = (uint)_segment;
        var ringMask = (uint)_ringMask;
        var shift = _shift;
        var segmentMask = _segmentMask;
        for (var k = start; k < end; k++)
        {
            var prime = Unsafe.Add(ref pool, k);
            var step = Unsafe.Add(ref steps, prime.Position & WheelMask);
            nuint offset = prime.Position >> WheelBits;
            Unsafe.AddByteOffset(ref sieve, offset) = (byte)(Unsafe.AddByteOffset(ref sieve, offset) & step);
            offset += prime.Q * (step >> 8 & 15) + (step >> 12 & 15);
            var target = (segment + (uint)(offset >> shift)) & ringMask;
            var at = Unsafe.Add(ref cursors, target);
            Unsafe.Add(ref pool, at) = new BucketPrime(prime.Q, ((uint)offset & segmentMask) << WheelBits | step >> 16);
            at++;
            if ((at & (BucketSize - 1)) == 0) at = NewHead((int)target);
            Unsafe.Add(ref cursors, target) = at;
        }
    }

    /// <summary>Starts a new bucket at the head of a full list; returns its first entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int NewHead(int slot)
    {
        var bucket = Allocate();
        _nextBucket[bucket] = _head[slot];
        _head[slot] = bucket;
        return bucket << BucketShift;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Allocate()
    {
        var bucket = _free[--_freeCount];
        _nextBucket[bucket] = -1;
        return bucket;
    }

    /// <summary>q = p / 30 and the next multiple's offset in its segment above its wheel index.</summary>
    private readonly record struct BucketPrime(uint Q, uint Position);
}
