using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;
using Functions.Compute;
using Functions.Compute.Mandelbrot;
using Functions.Tests.Fixtures;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Functions.Tests.Compute.Mandelbrot;

[Trait("Category", TestCategories.Slow)]
public sealed class MandelbrotPlanTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1024, 768, 1000)]
    [InlineData(333, 1001, 20_000)]
    [InlineData(8192, 8192, 100_000)]
    [InlineData(8192, 8192, 1)]
    public void Rows_AnyView_CoverEveryRowOnceInBalancedBands(int width, int height, int maxIterations)
    {
        var plan = new MandelbrotPlan(new MandelbrotView(-0.5, 0, 3, width, height, maxIterations));

        var bands = Enumerable.Range(0, plan.ChunkCount).Select(plan.Rows).ToList();
        Assert.Equal(0, bands[0].FirstRow);
        for (var i = 1; i < bands.Count; i++) Assert.Equal(bands[i - 1].FirstRow + bands[i - 1].RowCount, bands[i].FirstRow);
        Assert.Equal(height, bands[^1].FirstRow + bands[^1].RowCount);
        Assert.True(bands.Max(b => b.RowCount) - bands.Min(b => b.RowCount) <= 1);
        Assert.All(bands, b => Assert.True(b.RowCount >= 1));
    }

    [Fact]
    public void ChunkCost_LargestJob_OneRowChunksUnderASecond()
    {
        var plan = new MandelbrotPlan(new MandelbrotView(-0.5, 0, 3, MandelbrotKind.MaxSide, MandelbrotKind.MaxSide, MandelbrotKind.MaxIterations));

        Assert.Equal(MandelbrotKind.MaxSide, plan.ChunkCount);
        Assert.InRange(plan.ChunkCost, TimeSpan.FromSeconds(0.3), TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData(4096, 2304, 6000, 8)] // one row would do for balance; 8 rows are the first 32 KiB
    [InlineData(2048, 1536, 2000, 16)] // 8 rows would do for balance; 16 rows are the first 32 KiB
    [InlineData(333, 1001, 20_000, 39)] // 99 rows would be 32 KiB, but 40 are the work cap; spread evenly, 39
    [InlineData(1024, 768, 50, 256)] // balance alone asks for 364 rows, more than 32 KiB; spread evenly, 256
    public void Rows_AnyView_BandsOfAtLeast32KiBWithinTheWorkCap(int width, int height, int maxIterations, int expectedRows)
    {
        var plan = new MandelbrotPlan(new MandelbrotView(-0.5, 0, 3, width, height, maxIterations));

        Assert.Equal(expectedRows, Enumerable.Range(0, plan.ChunkCount).Max(i => plan.Rows(i).RowCount));
        Assert.True(plan.ChunkCost <= TimeSpan.FromSeconds(MandelbrotPlan.MaxChunkIterations / MandelbrotPlan.IterationsPerSecond));
    }

    [Fact]
    public void ChunkCost_CountsEveryPixelAsInterior()
    {
        var plan = new MandelbrotPlan(new MandelbrotView(-0.5, 0, 3, 1024, 768, 1000));
        var (_, rows) = plan.Rows(0);

        var worstCase = TimeSpan.FromSeconds(rows * 1024.0 * 1000 / MandelbrotPlan.IterationsPerSecond);
        Assert.True(plan.ChunkCost >= worstCase);
        Assert.True(plan.ChunkCount >= 16, "an overview should split into enough bands to balance two threads");
    }

    [Fact]
    public async Task Run_ParallelInRanges_SameBytesAsSequential()
    {
        IComputePlan plan = new MandelbrotPlan(new MandelbrotView(-0.75, 0.1, 2.5, 301, 203, 20_000), maxRowsPerBand: 7);
        Assert.True(plan.ChunkCount > 10);
        using var executor = new ComputeExecutor(3);

        var sequential = PlanRunner.RunSequential(plan);
        var parallel = await PlanRunner.RunParallelAsync(plan, executor, chunksPerRange: 4);

        Assert.Equal(sequential.Content!.ToArray(), parallel.Content!.ToArray());
        Assert.Equal(sequential.Value.GetRawText(), parallel.Value.GetRawText());
    }

    [Fact]
    public void Complete_Overview_PalettePngOfRequestedSizeWithBlackInterior()
    {
        var view = new MandelbrotView(-0.5, 0, 3, 160, 90, 500);

        var output = PlanRunner.RunSequential(new MandelbrotPlan(view));

        Assert.Equal("image/png", output.ContentType);
        using var image = Image.Load<Rgba32>(output.Content!.ToArray());
        Assert.Equal((160, 90), (image.Width, image.Height));
        Assert.Equal(PngColorType.Palette, image.Metadata.GetPngMetadata().ColorType);
        Assert.Equal(new Rgba32(0, 0, 0), image[80, 45]); // c ≈ −0.5: inside the cardioid
        var corner = MandelbrotKernel.PixelValue(view.Real(0), view.Imaginary(0), view.MaxIterations);
        var palette = MandelbrotPng.Palette;
        Assert.Equal(new Rgba32(palette[3 * corner], palette[3 * corner + 1], palette[3 * corner + 2]), image[0, 0]);
    }

    [Fact]
    public void Complete_WholeSet_InsideFractionMatchesItsArea()
    {
        // The set's area is about 1.5066; a 3 × 3 view holds all of it.
        var output = PlanRunner.RunSequential(new MandelbrotPlan(new MandelbrotView(-0.75, 0, 3, 300, 300, 2000)));

        var summary = output.Value;
        Assert.Equal(300, summary.GetProperty("width").GetInt32());
        Assert.Equal(2000, summary.GetProperty("maxIterations").GetInt32());
        Assert.InRange(summary.GetProperty("insideFraction").GetDouble(), 1.5066 / 9 - 0.005, 1.5066 / 9 + 0.005);
    }

    [Theory]
    [InlineData(-0.5, 0.0, 3.0, 160, 90, 500, 6)] // overview
    [InlineData(-0.743643887, 0.131825904, 0.0002, 301, 203, 20_000, 1)] // deep zoom in one-row bands
    [InlineData(-0.5, 0.0, 3.0, 333, 250, 1000, int.MaxValue)] // one band
    [InlineData(-0.5, 0.0, 3.0, 1, 1, 1, 1)]
    public void Complete_AnyView_PngDecodesToTheKernelsPixels(double centerX, double centerY, double scale, int width, int height, int maxIterations, int rowsPerBand)
    {
        var view = new MandelbrotView(centerX, centerY, scale, width, height, maxIterations);

        var png = PlanRunner.RunSequential(new MandelbrotPlan(view, rowsPerBand)).Content!.ToArray();

        using var image = Image.Load<Rgba32>(png);
        Assert.Equal((width, height), (image.Width, image.Height));
        var palette = MandelbrotPng.Palette;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var index = MandelbrotKernel.PixelValue(view.Real(x), view.Imaginary(y), maxIterations);
                Assert.Equal(new Rgba32(palette[3 * index], palette[3 * index + 1], palette[3 * index + 2]), image[x, y]);
            }
        }
    }

    [Fact]
    public void Complete_ManyBands_ImageDataIsOneZlibStreamOfTheScanlinesWithTheirChecksum()
    {
        var view = new MandelbrotView(-0.75, 0.1, 2.5, 301, 203, 20_000);
        var plan = new MandelbrotPlan(view, maxRowsPerBand: 7);
        Assert.True(plan.ChunkCount > 10);

        var png = PlanRunner.RunSequential(plan).Content!.ToArray();

        // zlib checks the Adler-32 at the end of the stream and throws on a mismatch; ImageSharp does not look at it.
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(new MemoryStream(PngChunks(png).Where(c => c.Type == "IDAT").SelectMany(c => c.Data).ToArray()), CompressionMode.Decompress))
            zlib.CopyTo(inflated);
        var row = new byte[view.Width];
        var expected = new List<byte>();
        for (var y = 0; y < view.Height; y++)
        {
            MandelbrotKernel.RenderRow(view, y, row, CancellationToken.None);
            expected.Add(0);
            expected.AddRange(row);
        }
        Assert.Equal(expected, inflated.ToArray());
    }

    [Fact]
    public void Complete_Png_EveryChunkCrcVerifiesAndTheChunksComeInOrder()
    {
        var png = PlanRunner.RunSequential(new MandelbrotPlan(new MandelbrotView(-0.5, 0, 3, 200, 150, 300))).Content!.ToArray();

        var chunks = PngChunks(png);

        Assert.Equal(["IHDR", "PLTE", "IDAT", "IEND"], chunks.Select(c => c.Type).Distinct());
        Assert.All(chunks, c => Assert.True(c.CrcVerifies, $"{c.Type} CRC"));
        Assert.Equal(3, chunks[0].Data[9]); // colour type: palette
        Assert.Equal(MandelbrotPng.Palette, chunks[1].Data);
    }

    [Fact]
    public void Serialize_ManyBands_RoundTripsToOneBandWithTheJoinedChecksum()
    {
        var plan = new MandelbrotPlan(new MandelbrotView(-0.5, 0, 3, 40, 30, 100), maxRowsPerBand: 10);
        Assert.True(plan.ChunkCount >= 3);
        var bands = Enumerable.Range(0, 3).Select(i => plan.Compute(i, CancellationToken.None)).ToList();

        var roundTripped = plan.Deserialize(plan.Serialize(bands.Aggregate(plan.Combine)));

        var band = Assert.Single(roundTripped.Bands);
        var parts = bands.Select(b => Assert.Single(b.Bands)).ToList();
        Assert.Equal((0, parts.Sum(p => p.RowCount)), (band.FirstRow, band.RowCount));
        Assert.Equal(parts.Sum(p => p.InsidePixels), band.InsidePixels);
        Assert.Equal(parts.SelectMany(p => p.Deflated.ToArray()), band.Deflated.ToArray());
        var scanlines = parts.SelectMany(p => Inflate(p.Deflated.ToArray())).ToArray();
        Assert.Equal(MandelbrotPngTests.Adler32(scanlines), band.Adler32);
    }

    [Fact]
    public void Deserialize_Truncated_Throws()
    {
        var plan = new MandelbrotPlan(new MandelbrotView(-0.5, 0, 3, 40, 30, 100));
        var bytes = plan.Serialize(plan.Compute(0, CancellationToken.None)).ToArray();

        Assert.Throws<InvalidDataException>(() => plan.Deserialize(BinaryData.FromBytes(bytes[..^1])));
    }

    [Fact]
    public void Complete_MissingBand_Throws()
    {
        var plan = new MandelbrotPlan(new MandelbrotView(-0.5, 0, 3, 40, 30, 100), maxRowsPerBand: 10);
        Assert.True(plan.ChunkCount >= 3);
        var gappy = plan.Combine(plan.Compute(0, CancellationToken.None), plan.Compute(2, CancellationToken.None));

        Assert.Throws<InvalidDataException>(() => plan.Complete(gappy));
    }

    /// <summary>Inflates one piece of a zlib stream: raw deflate blocks without a final one.</summary>
    private static byte[] Inflate(byte[] piece)
    {
        using var inflated = new MemoryStream();
        // A final empty block lets the raw inflater end cleanly.
        using (var deflate = new DeflateStream(new MemoryStream([.. piece, 0x03, 0x00]), CompressionMode.Decompress))
            deflate.CopyTo(inflated);
        return inflated.ToArray();
    }

    private static List<(string Type, byte[] Data, bool CrcVerifies)> PngChunks(byte[] png)
    {
        var chunks = new List<(string, byte[], bool)>();
        for (var offset = 8; offset < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var typeAndData = png.AsSpan(offset + 4, 4 + length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            chunks.Add((Encoding.ASCII.GetString(typeAndData[..4]), typeAndData[4..].ToArray(), Crc32.HashToUInt32(typeAndData) == crc));
            offset += 12 + length;
        }
        return chunks;
    }
}
