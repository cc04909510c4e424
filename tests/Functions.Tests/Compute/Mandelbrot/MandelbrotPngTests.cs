using System.IO.Compression;
using CsCheck;
using Functions.Compute.Mandelbrot;

namespace Functions.Tests.Compute.Mandelbrot;

public sealed class MandelbrotPngTests
{
    [Fact]
    public void CombineAdler32_AnySplit_IsTheChecksumOfTheWhole()
    {
        Gen.Byte.Array[0, 200_000].SelectMany(bytes => Gen.Int[0, bytes.Length].Select(split => (bytes, split))).Sample(sample =>
        {
            var (bytes, split) = sample;
            var combined = MandelbrotPng.CombineAdler32(Adler32(bytes[..split]), Adler32(bytes[split..]), bytes.Length - split);
            Assert.Equal(Adler32(bytes), combined);
        }, iter: 200);
    }

    [Fact]
    public void DeflatePiece_ReturnsZlibsOwnChecksum()
    {
        var scanlines = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7 % 251)).ToArray();

        var (_, adler32) = MandelbrotPng.DeflatePiece(scanlines);

        Assert.Equal(Adler32(scanlines), adler32);
    }

    [Fact]
    public void DeflatePiece_PiecesOneAfterAnother_InflateToTheirInputsOneAfterAnother()
    {
        byte[][] inputs = [[.. Enumerable.Repeat((byte)1, 50_000)], [], [2, 3, 4], [.. Enumerable.Range(0, 100_000).Select(i => (byte)(i % 13))]];

        var stream = inputs.SelectMany(i => MandelbrotPng.DeflatePiece(i).Deflated).Concat<byte>([0x03, 0x00]).ToArray();

        using var inflated = new MemoryStream();
        using (var deflate = new DeflateStream(new MemoryStream(stream), CompressionMode.Decompress)) deflate.CopyTo(inflated);
        Assert.Equal(inputs.SelectMany(i => i), inflated.ToArray());
    }

    /// <summary>Adler-32 by its definition (RFC 1950), byte by byte.</summary>
    internal static uint Adler32(ReadOnlySpan<byte> bytes)
    {
        uint a = 1, b = 0;
        foreach (var value in bytes)
        {
            a = (a + value) % 65521;
            b = (b + a) % 65521;
        }
        return b << 16 | a;
    }
}
