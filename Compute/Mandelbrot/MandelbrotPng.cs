using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Functions.Compute.Mandelbrot;

/// <summary>
/// Writes the 8-bit palette PNG from bands of scanlines that the chunks deflated on their own, in parallel, as they
/// rendered them. A zlib stream may be made of pieces deflated independently, each ended on a byte boundary by a sync
/// flush (pigz builds its streams so): the image's stream is the zlib header, the pieces in row order, an empty final
/// block, and the Adler-32 of all scanlines, which the pieces' own checksums combine into. What is left to do at the
/// end is copying the pieces into the file and their CRC-32, milliseconds where deflating the image took a second.
/// </summary>
internal static class MandelbrotPng
{
    /// <summary>
    /// zlib level 6, zlib-ng's default (System.IO.Compression bundles zlib-ng): on the bench images it deflated faster
    /// than ImageSharp's level 3, and the bands, deflated apart, still came out within −14…+12% of its file size (README).
    /// </summary>
    private const int CompressionLevel = 6;

    private const int ChunkOverhead = 12; // length, type and CRC around a chunk's data
    private const int HeaderLength = 13;
    private const byte BitDepth = 8;
    private const byte PaletteColorType = 3;

    /// <summary>The image data is split into IDAT chunks of at most this much, as encoders usually do; any size would be valid.</summary>
    private const int MaxIdatLength = 1 << 20;

    private const uint AdlerModulus = 65521;

    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>CMF 0x78: deflate with a 32 KiB window; FLG 0x9C: default level, no dictionary, CMF·256 + FLG a multiple of 31.</summary>
    private static ReadOnlySpan<byte> ZlibHeader => [0x78, 0x9C];

    /// <summary>A final fixed-Huffman block holding only its end code: BFINAL 1, BTYPE 01, then seven zero bits.</summary>
    private static ReadOnlySpan<byte> FinalEmptyBlock => [0x03, 0x00];

    /// <summary>Black for the interior, then 255 colours of a cyclic gradient: deep blue, white, gold, near black, back to blue.</summary>
    public static byte[] Palette { get; } = BuildPalette();

    /// <summary>A PNG scanline is a filter-type byte, then the row's palette indices.</summary>
    public static int ScanlineLength(int width) => width + 1;

    /// <summary>Deflates whole scanlines as one piece of the image's zlib stream, and returns it with their Adler-32.</summary>
    public static (byte[] Deflated, uint Adler32) DeflatePiece(ReadOnlySpan<byte> scanlines)
    {
        if (scanlines.IsEmpty) return ([], 1); // the Adler-32 of nothing; a stream given nothing flushes nothing
        using var output = new MemoryStream(scanlines.Length / 4 + 64);
        int flushed;
        using (var zlib = new ZLibStream(output, new ZLibCompressionOptions { CompressionLevel = CompressionLevel }, leaveOpen: true))
        {
            zlib.Write(scanlines);
            // A sync flush ends the deflated data on a byte boundary (with an empty stored block) and starts no final
            // block, so another piece may follow.
            zlib.Flush();
            flushed = (int)output.Length;
        }
        // Closing added a final block and the Adler-32 of the scanlines: the checksum is kept, the rest is not.
        var written = output.GetBuffer().AsSpan(0, (int)output.Length);
        return (written[ZlibHeader.Length..flushed].ToArray(), BinaryPrimitives.ReadUInt32BigEndian(written[^sizeof(uint)..]));
    }

    /// <summary>The Adler-32 of two byte strings one after the other, from theirs and the second's length; zlib's adler32_combine.</summary>
    public static uint CombineAdler32(uint first, uint second, long secondLength)
    {
        // Adler-32 is B·2^16 + A, where A = 1 + the sum of the bytes and B = the sum of A after each byte, both mod
        // 65521. Appending n bytes adds their sum to A (the second's A less its initial 1), and to B the second's B
        // plus n times the first's A, less the n initial 1s counted in the second's B.
        var n = (ulong)(secondLength % AdlerModulus);
        var (a1, b1) = (first & 0xFFFF, first >> 16);
        var (a2, b2) = (second & 0xFFFF, second >> 16);
        var a = (a1 + a2 + AdlerModulus - 1) % AdlerModulus;
        var b = (n * a1 + b1 + b2 + AdlerModulus - n) % AdlerModulus;
        return (uint)b << 16 | a;
    }

    /// <summary>The PNG of <paramref name="width"/> × <paramref name="height"/> palette indices whose scanlines were deflated as <paramref name="pieces"/>, in row order.</summary>
    /// <param name="adler32">The Adler-32 of all scanlines.</param>
    public static byte[] Write(int width, int height, IReadOnlyList<ReadOnlyMemory<byte>> pieces, uint adler32)
    {
        var stream = new byte[checked(ZlibHeader.Length + pieces.Sum(p => p.Length) + FinalEmptyBlock.Length + sizeof(uint))];
        ZlibHeader.CopyTo(stream);
        var at = ZlibHeader.Length;
        foreach (var piece in pieces)
        {
            piece.Span.CopyTo(stream.AsSpan(at));
            at += piece.Length;
        }
        FinalEmptyBlock.CopyTo(stream.AsSpan(at));
        BinaryPrimitives.WriteUInt32BigEndian(stream.AsSpan(at + FinalEmptyBlock.Length), adler32);

        var idatCount = (stream.Length + MaxIdatLength - 1) / MaxIdatLength;
        var png = new byte[checked(Signature.Length + 4 * ChunkOverhead + HeaderLength + Palette.Length + stream.Length + (idatCount - 1) * ChunkOverhead)];
        Signature.CopyTo(png);
        var written = Signature.Length;
        Span<byte> header = stackalloc byte[HeaderLength]; // compression method, filter method and interlace stay 0
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = BitDepth;
        header[9] = PaletteColorType;
        written += WriteChunk(png.AsSpan(written), "IHDR"u8, header);
        written += WriteChunk(png.AsSpan(written), "PLTE"u8, Palette);
        for (var offset = 0; offset < stream.Length; offset += MaxIdatLength)
            written += WriteChunk(png.AsSpan(written), "IDAT"u8, stream.AsSpan(offset, Math.Min(MaxIdatLength, stream.Length - offset)));
        written += WriteChunk(png.AsSpan(written), "IEND"u8, []);
        return written == png.Length ? png : throw new InvalidOperationException("The PNG's length was miscounted.");
    }

    private static int WriteChunk(Span<byte> destination, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, data.Length);
        type.CopyTo(destination[4..]);
        data.CopyTo(destination[8..]);
        // The CRC covers the chunk type and data.
        BinaryPrimitives.WriteUInt32BigEndian(destination[(8 + data.Length)..], Crc32.HashToUInt32(destination.Slice(4, 4 + data.Length)));
        return ChunkOverhead + data.Length;
    }

    private static byte[] BuildPalette()
    {
        // Stops of a cyclic gradient (position, red, green, blue); the last repeats the first so the cycle closes smoothly.
        (double At, double R, double G, double B)[] stops =
        [
            (0.0, 0, 7, 100), (0.16, 32, 107, 203), (0.42, 237, 255, 255), (0.6425, 255, 170, 0), (0.8575, 0, 2, 0), (1.0, 0, 7, 100),
        ];
        var palette = new byte[256 * 3]; // entry 0 stays black: the interior
        for (var i = 1; i < 256; i++)
        {
            var at = (i - 1) / 255.0;
            var stop = 0;
            while (stops[stop + 1].At < at) stop++;
            var (from, to) = (stops[stop], stops[stop + 1]);
            var t = (at - from.At) / (to.At - from.At);
            palette[3 * i] = (byte)Math.Round(from.R + t * (to.R - from.R));
            palette[3 * i + 1] = (byte)Math.Round(from.G + t * (to.G - from.G));
            palette[3 * i + 2] = (byte)Math.Round(from.B + t * (to.B - from.B));
        }
        return palette;
    }
}
