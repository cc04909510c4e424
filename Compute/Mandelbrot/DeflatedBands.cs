using System.Buffers.Binary;
using System.Collections.Immutable;

namespace Functions.Compute.Mandelbrot;

/// <summary>
/// Consecutive image rows as PNG scanlines deflated on their own: <see cref="RowCount"/> rows from
/// <see cref="FirstRow"/>, of which <see cref="InsidePixels"/> pixels lie in the set; <see cref="Adler32"/> is the
/// checksum of the scanlines before deflating. <see cref="Deflated"/> is one piece of the image's zlib stream.
/// </summary>
internal readonly record struct DeflatedBand(int FirstRow, int RowCount, int InsidePixels, uint Adler32, ReadOnlyMemory<byte> Deflated);

/// <summary>
/// The partial result of a range of chunks: its bands in row order. Combining appends to an immutable list,
/// O(log n) per band and no copies. Adjacent bands join into one on serializing, since pieces of a zlib stream
/// simply follow each other (<see cref="MandelbrotPng"/>), so a reduced partial of a whole image is one band.
/// </summary>
internal sealed record DeflatedBands(ImmutableList<DeflatedBand> Bands)
{
    // Layout, little-endian: band count; per band its first row, row count, inside pixels, Adler-32 and deflated
    // length; then every band's deflated bytes in band order.
    private const int HeaderEntrySize = 5 * sizeof(int);

    public static DeflatedBands Of(DeflatedBand band) => new([band]);

    public DeflatedBands Append(DeflatedBands later) => new(Bands.AddRange(later.Bands));

    /// <param name="width">The image width, which gives each band's scanline length for joining checksums.</param>
    public BinaryData Serialize(int width)
    {
        var joined = JoinAdjacent(width);
        var deflatedBytes = Bands.Sum(b => (long)b.Deflated.Length);
        var buffer = new byte[checked(sizeof(int) + joined.Count * HeaderEntrySize + (int)deflatedBytes)];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, joined.Count);
        var offset = sizeof(int);
        foreach (var band in joined)
        {
            var header = buffer.AsSpan(offset);
            BinaryPrimitives.WriteInt32LittleEndian(header, band.FirstRow);
            BinaryPrimitives.WriteInt32LittleEndian(header[4..], band.RowCount);
            BinaryPrimitives.WriteInt32LittleEndian(header[8..], band.InsidePixels);
            BinaryPrimitives.WriteUInt32LittleEndian(header[12..], band.Adler32);
            BinaryPrimitives.WriteInt32LittleEndian(header[16..], checked((int)band.DeflatedLength));
            offset += HeaderEntrySize;
        }
        foreach (var band in Bands)
        {
            band.Deflated.Span.CopyTo(buffer.AsSpan(offset));
            offset += band.Deflated.Length;
        }
        return BinaryData.FromBytes(buffer);
    }

    /// <summary>Reads a serialized partial without copying: the bands' bytes are slices of <paramref name="data"/>.</summary>
    public static DeflatedBands Deserialize(BinaryData data)
    {
        var memory = data.ToMemory();
        var span = memory.Span;
        if (span.Length < sizeof(int)) throw new InvalidDataException("Deflated bands are truncated.");
        var count = BinaryPrimitives.ReadInt32LittleEndian(span);
        var offset = sizeof(int) + (long)count * HeaderEntrySize;
        if (count < 0 || offset > span.Length) throw new InvalidDataException("Deflated bands are truncated.");
        var bands = ImmutableList.CreateBuilder<DeflatedBand>();
        for (var i = 0; i < count; i++)
        {
            var header = span[(sizeof(int) + i * HeaderEntrySize)..];
            var length = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
            if (length < 0 || offset + length > span.Length) throw new InvalidDataException("Deflated bands are truncated.");
            bands.Add(new DeflatedBand(
                BinaryPrimitives.ReadInt32LittleEndian(header),
                BinaryPrimitives.ReadInt32LittleEndian(header[4..]),
                BinaryPrimitives.ReadInt32LittleEndian(header[8..]),
                BinaryPrimitives.ReadUInt32LittleEndian(header[12..]),
                memory.Slice((int)offset, length)));
            offset += length;
        }
        if (offset != span.Length) throw new InvalidDataException("Deflated bands have trailing bytes.");
        return new DeflatedBands(bands.ToImmutable());
    }

    /// <summary>The whole image's pieces in row order, its Adler-32 and inside pixel count; throws unless the bands cover rows 0…<paramref name="height"/> once each.</summary>
    public (IReadOnlyList<ReadOnlyMemory<byte>> Pieces, uint Adler32, long InsidePixels) Whole(int width, int height)
    {
        var expectedRow = 0;
        foreach (var band in Bands)
        {
            if (band.FirstRow != expectedRow) throw new InvalidDataException($"Pixel bands skip or repeat rows at row {expectedRow}.");
            expectedRow += band.RowCount;
        }
        if (expectedRow != height) throw new InvalidDataException($"Pixel bands cover {expectedRow} of {height} rows.");
        var whole = JoinAdjacent(width);
        return (Bands.Select(b => b.Deflated).ToList(), whole[0].Adler32, whole.Sum(b => (long)b.InsidePixels));
    }

    /// <summary>Runs of adjacent bands, each described as one band; their bytes stay where they are.</summary>
    private List<Run> JoinAdjacent(int width)
    {
        var joined = new List<Run>();
        foreach (var band in Bands)
        {
            if (joined.Count > 0 && joined[^1] is var last && last.FirstRow + last.RowCount == band.FirstRow)
            {
                joined[^1] = new Run(
                    last.FirstRow,
                    last.RowCount + band.RowCount,
                    last.InsidePixels + band.InsidePixels,
                    MandelbrotPng.CombineAdler32(last.Adler32, band.Adler32, (long)band.RowCount * MandelbrotPng.ScanlineLength(width)),
                    last.DeflatedLength + band.Deflated.Length);
            }
            else
            {
                joined.Add(new Run(band.FirstRow, band.RowCount, band.InsidePixels, band.Adler32, band.Deflated.Length));
            }
        }
        return joined;
    }

    private readonly record struct Run(int FirstRow, int RowCount, int InsidePixels, uint Adler32, long DeflatedLength);
}
