using System.Runtime.CompilerServices;

namespace Functions.Compute.Primes;

/// <summary>
/// Crosses off the multiples of small and medium sieving primes with the modulo-30 wheel unrolled over a whole turn:
/// one turn is 8 multiples in p bytes, each an AND of a constant mask at offset q·k + c (Achim Flammenkamp's and
/// primesieve's EratSmall scheme). The 8 residue classes of p get their own specialised copy of the loop through a
/// struct type argument, so masks and carries are immediates.
/// </summary>
internal static class WheelCrossOff
{
    /// <summary>Crosses off the multiples of every prime in [0, <paramref name="bytes"/>) and leaves each prime's
    /// offset relative to the byte after the range, where the next range starts.</summary>
    public static void CrossOff(ref byte sieve, nuint bytes, WheelPrimeGroups primes)
    {
        CrossOff<Class1>(ref sieve, bytes, primes.Class(0));
        CrossOff<Class7>(ref sieve, bytes, primes.Class(1));
        CrossOff<Class11>(ref sieve, bytes, primes.Class(2));
        CrossOff<Class13>(ref sieve, bytes, primes.Class(3));
        CrossOff<Class17>(ref sieve, bytes, primes.Class(4));
        CrossOff<Class19>(ref sieve, bytes, primes.Class(5));
        CrossOff<Class23>(ref sieve, bytes, primes.Class(6));
        CrossOff<Class29>(ref sieve, bytes, primes.Class(7));
    }

    /// <remarks>
    /// The crossing loop is inlined here: as a call per prime its prologue, epilogue and register spills cost a medium
    /// prime with few multiples per segment more than its crossings (medium primes per 10^9 numbers below 10^12: 96 →
    /// 88 ms, one thread, CPU time).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CrossOff<T>(ref byte sieve, nuint bytes, Span<WheelPrime> primes) where T : struct, IResidueClass
    {
        foreach (ref var prime in primes) prime.Position = CrossOff<T>(ref sieve, bytes, prime.Q, prime.Position);
    }

    private static byte Mask<T>(int j) where T : struct, IResidueClass => Wheel30.Masks[T.Index * 8 + j];

    private static nuint Carry<T>(int j) where T : struct, IResidueClass => Wheel30.Carries[T.Index * 8 + j];

    private static nuint Turn<T>(int j) where T : struct, IResidueClass => Wheel30.TurnOffsets[T.Index * 8 + j];

    /// <summary>
    /// The loop for primes p ≡ T.Residue (mod 30). It enters at the prime's wheel index (a jump into the unrolled
    /// sequence), crosses whole turns while all 8 multiples fit, then single multiples until it leaves the range.
    /// Returns the prime's next position: the offset past the range above the wheel index (<see cref="WheelPrime"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.AggressiveInlining)]
    private static uint CrossOff<T>(ref byte sieve, nuint bytes, nuint q, uint position) where T : struct, IResidueClass
    {
        nuint i = position >> 6;
        var wheel = T.Index * 8;
        switch (position & 7)
        {
            case 0: goto M0;
            case 1: goto M1;
            case 2: goto M2;
            case 3: goto M3;
            case 4: goto M4;
            case 5: goto M5;
            case 6: goto M6;
            default: goto M7;
        }

    M0:
        {
            // Locals rather than inline table reads: the JIT still folds them to immediates, and an unoptimised
            // (Debug) build reads the tables once per prime instead of once per multiple.
            byte m0 = Mask<T>(0), m1 = Mask<T>(1), m2 = Mask<T>(2), m3 = Mask<T>(3), m4 = Mask<T>(4), m5 = Mask<T>(5), m6 = Mask<T>(6), m7 = Mask<T>(7);
            nuint o1 = q * 6 + Turn<T>(1), o2 = q * 10 + Turn<T>(2), o3 = q * 12 + Turn<T>(3), o4 = q * 16 + Turn<T>(4);
            nuint o5 = q * 18 + Turn<T>(5), o6 = q * 22 + Turn<T>(6), o7 = q * 28 + Turn<T>(7);
            var end = Math.Max(bytes, o7) - o7;
            var turn = q * 30 + T.Residue;
            for (; i < end; i += turn)
            {
                ref var multiple = ref Unsafe.Add(ref sieve, i);
                Clear(ref multiple, 0, m0);
                Clear(ref multiple, o1, m1);
                Clear(ref multiple, o2, m2);
                Clear(ref multiple, o3, m3);
                Clear(ref multiple, o4, m4);
                Clear(ref multiple, o5, m5);
                Clear(ref multiple, o6, m6);
                Clear(ref multiple, o7, m7);
            }
        }
        if (i >= bytes) return (uint)(i - bytes) << 6 | (uint)(wheel + 0);
        Clear(ref sieve, i, Mask<T>(0));
        i += q * 6 + Carry<T>(0);
    M1:
        if (i >= bytes) return (uint)(i - bytes) << 6 | (uint)(wheel + 1);
        Clear(ref sieve, i, Mask<T>(1));
        i += q * 4 + Carry<T>(1);
    M2:
        if (i >= bytes) return (uint)(i - bytes) << 6 | (uint)(wheel + 2);
        Clear(ref sieve, i, Mask<T>(2));
        i += q * 2 + Carry<T>(2);
    M3:
        if (i >= bytes) return (uint)(i - bytes) << 6 | (uint)(wheel + 3);
        Clear(ref sieve, i, Mask<T>(3));
        i += q * 4 + Carry<T>(3);
    M4:
        if (i >= bytes) return (uint)(i - bytes) << 6 | (uint)(wheel + 4);
        Clear(ref sieve, i, Mask<T>(4));
        i += q * 2 + Carry<T>(4);
    M5:
        if (i >= bytes) return (uint)(i - bytes) << 6 | (uint)(wheel + 5);
        Clear(ref sieve, i, Mask<T>(5));
        i += q * 4 + Carry<T>(5);
    M6:
        if (i >= bytes) return (uint)(i - bytes) << 6 | (uint)(wheel + 6);
        Clear(ref sieve, i, Mask<T>(6));
        i += q * 6 + Carry<T>(6);
    M7:
        if (i >= bytes) return (uint)(i - bytes) << 6 | (uint)(wheel + 7);
        Clear(ref sieve, i, Mask<T>(7));
        i += q * 2 + Carry<T>(7);
        goto M0;
    }

    /// <summary>
    /// ANDs the byte at <paramref name="offset"/> with <paramref name="mask"/>. Written as a load and a store of the
    /// same byte offset, the JIT emits one <c>and byte ptr [base+offset], mask</c>; the compound <c>&amp;=</c> on
    /// <c>Unsafe.Add</c> cost a separate address computation per multiple (21 instead of 12 instructions per turn).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Clear(ref byte at, nuint offset, byte mask) =>
        Unsafe.AddByteOffset(ref at, offset) = (byte)(Unsafe.AddByteOffset(ref at, offset) & mask);

    /// <summary>Selects the residue class r of p = 30q + r at compile time.</summary>
    private interface IResidueClass
    {
        static abstract int Index { get; }

        static abstract nuint Residue { get; }
    }

    private readonly struct Class1 : IResidueClass { public static int Index => 0; public static nuint Residue => 1; }

    private readonly struct Class7 : IResidueClass { public static int Index => 1; public static nuint Residue => 7; }

    private readonly struct Class11 : IResidueClass { public static int Index => 2; public static nuint Residue => 11; }

    private readonly struct Class13 : IResidueClass { public static int Index => 3; public static nuint Residue => 13; }

    private readonly struct Class17 : IResidueClass { public static int Index => 4; public static nuint Residue => 17; }

    private readonly struct Class19 : IResidueClass { public static int Index => 5; public static nuint Residue => 19; }

    private readonly struct Class23 : IResidueClass { public static int Index => 6; public static nuint Residue => 23; }

    private readonly struct Class29 : IResidueClass { public static int Index => 7; public static nuint Residue => 29; }
}
