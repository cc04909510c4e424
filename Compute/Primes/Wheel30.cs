namespace Functions.Compute.Primes;

/// <summary>
/// The modulo-30 wheel: byte k of a sieve holds the 8 numbers 30k + {1, 7, 11, 13, 17, 19, 23, 29}, the only residues
/// coprime to 2, 3 and 5, so a byte covers 30 numbers and multiples of 2, 3, 5 are never stored or crossed off.
/// </summary>
/// <remarks>
/// A sieving prime p = 30q + r crosses off p·m for m coprime to 30. Its "wheel index" is 8·class(r) + index(m mod 30).
/// Between consecutive m the multiple moves q·gap + carry bytes, and one turn of 8 multiples moves exactly p bytes.
/// The tables are literals so the JIT folds them into immediates in the specialised crossing loops
/// (<see cref="WheelCrossOff"/>); <c>Wheel30Tests</c> recomputes them from this definition.
/// </remarks>
internal static class Wheel30
{
    /// <summary>The residue of each bit.</summary>
    public static ReadOnlySpan<byte> Residues => [1, 7, 11, 13, 17, 19, 23, 29];

    /// <summary>Gap from m ≡ Residues[j] to the next m coprime to 30.</summary>
    public static ReadOnlySpan<byte> Gaps => [6, 4, 2, 4, 2, 4, 6, 2];

    /// <summary>By wheel index: the AND mask that clears the bit of the current multiple.</summary>
    public static ReadOnlySpan<byte> Masks =>
    [
        0xFE, 0xFD, 0xFB, 0xF7, 0xEF, 0xDF, 0xBF, 0x7F,
        0xFD, 0xDF, 0xEF, 0xFE, 0x7F, 0xF7, 0xFB, 0xBF,
        0xFB, 0xEF, 0xFE, 0xBF, 0xFD, 0x7F, 0xF7, 0xDF,
        0xF7, 0xFE, 0xBF, 0xDF, 0xFB, 0xFD, 0x7F, 0xEF,
        0xEF, 0x7F, 0xFD, 0xFB, 0xDF, 0xBF, 0xFE, 0xF7,
        0xDF, 0xF7, 0x7F, 0xFD, 0xBF, 0xFE, 0xEF, 0xFB,
        0xBF, 0xFB, 0xF7, 0x7F, 0xFE, 0xEF, 0xDF, 0xFD,
        0x7F, 0xBF, 0xDF, 0xEF, 0xF7, 0xFB, 0xFD, 0xFE,
    ];

    /// <summary>By wheel index: ⌊r·m'/30⌋ − ⌊r·m/30⌋, the bytes the step to the next multiple adds beyond q·gap.</summary>
    public static ReadOnlySpan<byte> Carries =>
    [
        0, 0, 0, 0, 0, 0, 0, 1,
        1, 1, 1, 0, 1, 1, 1, 1,
        2, 2, 0, 2, 0, 2, 2, 1,
        3, 1, 1, 2, 1, 1, 3, 1,
        3, 3, 1, 2, 1, 3, 3, 1,
        4, 2, 2, 2, 2, 2, 4, 1,
        5, 3, 1, 4, 1, 3, 5, 1,
        6, 4, 2, 4, 2, 4, 6, 1,
    ];

    /// <summary>By wheel index: ⌊r·m/30⌋, the byte offset of a multiple within one turn beyond q·(m − 1).</summary>
    public static ReadOnlySpan<byte> TurnOffsets =>
    [
        0, 0, 0, 0, 0, 0, 0, 0,
        0, 1, 2, 3, 3, 4, 5, 6,
        0, 2, 4, 4, 6, 6, 8, 10,
        0, 3, 4, 5, 7, 8, 9, 12,
        0, 3, 6, 7, 9, 10, 13, 16,
        0, 4, 6, 8, 10, 12, 14, 18,
        0, 5, 8, 9, 13, 14, 17, 22,
        0, 6, 10, 12, 16, 18, 22, 28,
    ];

    /// <summary>By n mod 30: the bit index of n, or 255 when n shares a factor with 30.</summary>
    public static ReadOnlySpan<byte> BitIndex =>
    [
        255, 0, 255, 255, 255, 255, 255, 1, 255, 255, 255, 2, 255, 3, 255, 255,
        255, 4, 255, 5, 255, 255, 255, 6, 255, 255, 255, 255, 255, 7,
    ];

    /// <summary>By m mod 30: how far m must move up to be coprime to 30.</summary>
    public static ReadOnlySpan<byte> ToCoprime =>
    [
        1, 0, 5, 4, 3, 2, 1, 0, 3, 2, 1, 0, 1, 0, 3, 2,
        1, 0, 1, 0, 3, 2, 1, 0, 5, 4, 3, 2, 1, 0,
    ];

    /// <summary>
    /// The first multiple p·m ≥ max(p², <paramref name="low"/>) with m coprime to 30, as a byte offset from
    /// <paramref name="low"/> (a multiple of 30) and the wheel index of m. The bytes are relative, so they fit in
    /// a long for every limit; the multiple itself is below 10^13 + 30p.
    /// </summary>
    public static (long Offset, int WheelIndex) FirstMultiple(long prime, long low)
    {
        var m = Math.Max(prime, (low + prime - 1) / prime);
        m += ToCoprime[(int)(m % 30)];
        var wheelIndex = BitIndex[(int)(prime % 30)] * 8 + BitIndex[(int)(m % 30)];
        return (prime * m / 30 - low / 30, wheelIndex);
    }
}
