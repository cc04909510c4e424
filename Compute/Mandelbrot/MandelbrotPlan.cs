namespace Functions.Compute.Mandelbrot;

/// <summary>Splits a render into balanced bands of rows; each chunk renders one band, the output is the assembled PNG.</summary>
internal sealed class MandelbrotPlan : ComputePlan<PixelBands>
{
    /// <summary>
    /// Work of one chunk counting every pixel as interior (maxIterations): about 20 ms on one core at that worst
    /// case, so real chunks are smaller still. The cost of a pixel varies a thousandfold across an image (a few
    /// iterations far out, maxIterations inside), and only many small bands pulled from a shared counter balance it;
    /// a band costs no more than its pixels to combine, so small ones are cheap.
    /// </summary>
    internal const long TargetChunkIterations = 1L << 25;

    /// <summary>Measured single-core rate of the SIMD kernel on interior pixels, rounded down (see README).</summary>
    internal const double IterationsPerSecond = 1.5e9;

    /// <summary>Per-pixel work besides iterating (setup, colouring, copying), counted as this many iterations.</summary>
    private const int PixelOverheadIterations = 16;

    private readonly MandelbrotView _view;

    public MandelbrotPlan(MandelbrotView view)
    {
        _view = view;
        var rowIterations = (long)view.Width * (view.MaxIterations + PixelOverheadIterations);
        var maxRows = (int)Math.Clamp(TargetChunkIterations / rowIterations, 1, view.Height);
        ChunkCount = (view.Height + maxRows - 1) / maxRows;
        var rowsPerChunk = (view.Height + ChunkCount - 1) / ChunkCount;
        ChunkCost = TimeSpan.FromSeconds(rowsPerChunk * rowIterations / IterationsPerSecond);
    }

    public override int ChunkCount { get; }

    public override TimeSpan ChunkCost { get; }

    internal MandelbrotView View => _view;

    /// <summary>The rows of chunk <paramref name="index"/>: the rows are spread evenly, so band heights differ by at most one.</summary>
    internal (int FirstRow, int RowCount) Rows(int index)
    {
        var firstRow = (int)((long)index * _view.Height / ChunkCount);
        var endRow = (int)((long)(index + 1) * _view.Height / ChunkCount);
        return (firstRow, endRow - firstRow);
    }

    public override PixelBands Compute(int index, CancellationToken cancellationToken)
    {
        var (firstRow, rowCount) = Rows(index);
        var pixels = new byte[rowCount * _view.Width];
        for (var row = 0; row < rowCount; row++)
            MandelbrotKernel.RenderRow(_view, firstRow + row, pixels.AsSpan(row * _view.Width, _view.Width), cancellationToken);
        return PixelBands.Of(new PixelBand(firstRow, rowCount, pixels));
    }

    public override PixelBands Combine(PixelBands earlier, PixelBands later) => earlier.Append(later);

    public override ComputeOutput Complete(PixelBands partial)
    {
        var image = partial.ToImage(_view.Width, _view.Height);
        var inside = image.Span.Count(MandelbrotKernel.Inside);
        var png = MandelbrotPng.Encode(image, _view.Width, _view.Height);
        var summary = ComputeOutput.Json(new
        {
            _view.Width,
            _view.Height,
            _view.CenterX,
            _view.CenterY,
            _view.Scale,
            _view.MaxIterations,
            InsideFraction = (double)inside / image.Length,
            PngBytes = png.Length,
        });
        return summary with { Content = BinaryData.FromBytes(png), ContentType = "image/png" };
    }

    public override BinaryData Serialize(PixelBands partial) => partial.Serialize();

    public override PixelBands Deserialize(BinaryData data) => PixelBands.Deserialize(data, _view.Width);
}
