using System.Buffers.Binary;
using System.Collections.Immutable;

namespace Functions.Compute.Mandelbrot;

/// <summary>Consecutive image rows: <see cref="RowCount"/> rows from <see cref="FirstRow"/>, one palette index per pixel.</summary>
internal readonly record struct PixelBand(int FirstRow, int RowCount, ReadOnlyMemory<byte> Pixels);

/// <summary>
/// The partial result of a range of chunks: its bands in row order. Combining appends to an immutable list,
/// O(log n) per band and no pixel copies, so reducing thousands of bands stays linear in the image size.
/// </summary>
internal sealed record PixelBands(ImmutableList<PixelBand> Bands)
{
    // Layout, little-endian: band count; per band its first row and row count; then all pixels in band order.
    // Adjacent bands are merged on the way, so a reduced partial of a whole image is one band and one contiguous block.
    private const int HeaderEntrySize = 2 * sizeof(int);

    public static PixelBands Of(PixelBand band) => new([band]);

    public PixelBands Append(PixelBands later) => new(Bands.AddRange(later.Bands));

    public BinaryData Serialize()
    {
        var merged = MergeAdjacent();
        var pixelBytes = Bands.Sum(b => (long)b.Pixels.Length);
        var buffer = new byte[checked(sizeof(int) + merged.Count * HeaderEntrySize + (int)pixelBytes)];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, merged.Count);
        var offset = sizeof(int);
        foreach (var (firstRow, rowCount) in merged)
        {
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(offset), firstRow);
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(offset + sizeof(int)), rowCount);
            offset += HeaderEntrySize;
        }
        foreach (var band in Bands)
        {
            band.Pixels.Span.CopyTo(buffer.AsSpan(offset));
            offset += band.Pixels.Length;
        }
        return BinaryData.FromBytes(buffer);
    }

    /// <summary>Reads a serialized partial without copying its pixels: the bands are slices of <paramref name="data"/>.</summary>
    public static PixelBands Deserialize(BinaryData data, int width)
    {
        var memory = data.ToMemory();
        var span = memory.Span;
        if (span.Length < sizeof(int)) throw new InvalidDataException("Pixel bands are truncated.");
        var count = BinaryPrimitives.ReadInt32LittleEndian(span);
        var offset = sizeof(int) + (long)count * HeaderEntrySize;
        if (count < 0 || offset > span.Length) throw new InvalidDataException("Pixel bands are truncated.");
        var bands = ImmutableList.CreateBuilder<PixelBand>();
        for (var i = 0; i < count; i++)
        {
            var header = span[(sizeof(int) + i * HeaderEntrySize)..];
            var firstRow = BinaryPrimitives.ReadInt32LittleEndian(header);
            var rowCount = BinaryPrimitives.ReadInt32LittleEndian(header[sizeof(int)..]);
            var length = (long)rowCount * width;
            if (rowCount < 0 || offset + length > span.Length) throw new InvalidDataException("Pixel bands are truncated.");
            bands.Add(new PixelBand(firstRow, rowCount, memory.Slice((int)offset, (int)length)));
            offset += length;
        }
        if (offset != span.Length) throw new InvalidDataException("Pixel bands have trailing bytes.");
        return new PixelBands(bands.ToImmutable());
    }

    /// <summary>The whole image as one block of <paramref name="height"/> rows; no copy when the bands are already one block.</summary>
    public ReadOnlyMemory<byte> ToImage(int width, int height)
    {
        var expectedRow = 0;
        foreach (var band in Bands)
        {
            if (band.FirstRow != expectedRow) throw new InvalidDataException($"Pixel bands skip or repeat rows at row {expectedRow}.");
            expectedRow += band.RowCount;
        }
        if (expectedRow != height) throw new InvalidDataException($"Pixel bands cover {expectedRow} of {height} rows.");
        if (Bands.Count == 1) return Bands[0].Pixels;

        var image = new byte[(long)width * height];
        var offset = 0;
        foreach (var band in Bands)
        {
            band.Pixels.Span.CopyTo(image.AsSpan(offset));
            offset += band.Pixels.Length;
        }
        return image;
    }

    private List<(int FirstRow, int RowCount)> MergeAdjacent()
    {
        var merged = new List<(int FirstRow, int RowCount)>();
        foreach (var band in Bands)
        {
            if (merged.Count > 0 && merged[^1].FirstRow + merged[^1].RowCount == band.FirstRow)
                merged[^1] = (merged[^1].FirstRow, merged[^1].RowCount + band.RowCount);
            else
                merged.Add((band.FirstRow, band.RowCount));
        }
        return merged;
    }
}
