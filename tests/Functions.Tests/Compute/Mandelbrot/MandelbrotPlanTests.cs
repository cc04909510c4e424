using Functions.Compute;
using Functions.Compute.Mandelbrot;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Functions.Tests.Compute.Mandelbrot;

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
        IComputePlan plan = new MandelbrotPlan(new MandelbrotView(-0.75, 0.1, 2.5, 301, 203, 20_000));
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

    [Fact]
    public void Serialize_ManyBands_RoundTripsToOneBlock()
    {
        var plan = new MandelbrotPlan(new MandelbrotView(-0.5, 0, 3, 40, 30, 100));
        var reduced = Enumerable.Range(0, 3).Select(i => new PixelBands([Band(i * 10, 10, 40, (byte)i)])).Aggregate(plan.Combine);

        var roundTripped = plan.Deserialize(plan.Serialize(reduced));

        var band = Assert.Single(roundTripped.Bands);
        Assert.Equal((0, 30), (band.FirstRow, band.RowCount));
        Assert.Equal(reduced.ToImage(40, 30).ToArray(), band.Pixels.ToArray());
    }

    [Fact]
    public void Deserialize_Truncated_Throws()
    {
        var plan = new MandelbrotPlan(new MandelbrotView(-0.5, 0, 3, 40, 30, 100));
        var bytes = plan.Serialize(new PixelBands([Band(0, 30, 40, 1)])).ToArray();

        Assert.Throws<InvalidDataException>(() => plan.Deserialize(BinaryData.FromBytes(bytes[..^1])));
    }

    [Fact]
    public void Complete_MissingBand_Throws()
    {
        var plan = new MandelbrotPlan(new MandelbrotView(-0.5, 0, 3, 40, 30, 100));
        var gappy = new PixelBands([Band(0, 10, 40, 1), Band(20, 10, 40, 1)]);

        Assert.Throws<InvalidDataException>(() => plan.Complete(gappy));
    }

    private static PixelBand Band(int firstRow, int rowCount, int width, byte value) =>
        new(firstRow, rowCount, Enumerable.Repeat(value, rowCount * width).ToArray());
}
