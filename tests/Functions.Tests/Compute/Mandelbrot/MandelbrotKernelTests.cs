using Functions.Compute.Mandelbrot;

namespace Functions.Tests.Compute.Mandelbrot;

public sealed class MandelbrotKernelTests
{
    [Theory]
    [InlineData(0.0, 0.0)] // center of the main cardioid
    [InlineData(-1.0, 0.0)] // center of the period-2 bulb
    [InlineData(-0.75, 0.0)] // where cardioid and bulb touch
    [InlineData(-1.75, 0.0)] // period-3 window on the real axis, outside both closed-form checks
    [InlineData(-2.0, 0.0)] // leftmost point of the set: 0, −2, 2, 2, …
    [InlineData(0.0, 1.0)] // i: 0, i, −1+i, −i, −1+i, … stays bounded
    [InlineData(-0.122, 0.745)] // period-3 bulb off the axis
    public void IsInside_KnownInteriorPoint_True(double cx, double cy)
    {
        Assert.True(MandelbrotKernel.IsInside(cx, cy, 10_000));
        Assert.Equal(MandelbrotKernel.Inside, MandelbrotKernel.PixelValue(cx, cy, 10_000));
    }

    [Theory]
    [InlineData(2.0, 2.0, 4)]
    [InlineData(1.0, 0.0, 5)] // 0, 1, 2, 5, 26, 677: 677² > 256²
    [InlineData(0.5, 0.5, 8)]
    [InlineData(-2.01, 0.0, 8)]
    [InlineData(0.26, 0.0, 32)] // just right of the cusp at 1/4: slow escape
    [InlineData(-0.75, 0.1, 36)] // the neck between cardioid and bulb
    public void Iterate_KnownExteriorPoint_EscapesAtIteration(double cx, double cy, int expected)
    {
        Assert.Equal(expected, MandelbrotKernel.Iterate(cx, cy, 10_000, out var magnitudeSquared));
        Assert.True(magnitudeSquared > MandelbrotKernel.BailoutSquared);
        Assert.NotEqual(MandelbrotKernel.Inside, MandelbrotKernel.PixelValue(cx, cy, 10_000));
    }

    [Fact]
    public void Iterate_SlowEscapeBeyondMaxIterations_CountsAsInside()
    {
        Assert.Equal(30, MandelbrotKernel.Iterate(0.26, 0.0, 30, out _));
        Assert.True(MandelbrotKernel.IsInside(0.26, 0.0, 30));
    }

    [Theory]
    [InlineData(-0.5, 0.0, 3.0, 37, 29, 500)] // width not a multiple of the SIMD group
    [InlineData(-0.743643887, 0.131825904, 0.0002, 64, 16, 3000)] // boundary detail: lanes escape at very different times
    [InlineData(0.0, 0.0, 0.5, 5, 3, 100)] // narrower than one group, all in the cardioid
    public void RenderRow_AnyView_MatchesPixelValueOfEachPoint(double centerX, double centerY, double scale, int width, int height, int maxIterations)
    {
        var view = new MandelbrotView(centerX, centerY, scale, width, height, maxIterations);
        var row = new byte[width];
        for (var y = 0; y < height; y++)
        {
            MandelbrotKernel.RenderRow(view, y, row, CancellationToken.None);
            for (var x = 0; x < width; x++)
                Assert.Equal(MandelbrotKernel.PixelValue(view.Real(x), view.Imaginary(y), maxIterations), row[x]);
        }
    }

    [Fact]
    public void RenderRow_Canceled_Throws()
    {
        var view = new MandelbrotView(-0.5, 0, 3, 64, 64, 1000);
        Assert.Throws<OperationCanceledException>(() => MandelbrotKernel.RenderRow(view, 0, new byte[64], new CancellationToken(canceled: true)));
    }
}
