using System.Buffers;

namespace Functions.Compute.Mandelbrot;

/// <summary>
/// Splits a render into balanced bands of rows; each chunk renders one band and deflates it as a piece of the PNG's
/// zlib stream, so compression runs in parallel with the rest; the output is the PNG the pieces assemble into.
/// </summary>
internal sealed class MandelbrotPlan : ComputePlan<DeflatedBands>
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

    public override DeflatedBands Compute(int index, CancellationToken cancellationToken)
    {
        var (firstRow, rowCount) = Rows(index);
        var stride = MandelbrotPng.ScanlineLength(_view.Width);
        var buffer = ArrayPool<byte>.Shared.Rent(rowCount * stride);
        try
        {
            var scanlines = buffer.AsSpan(0, rowCount * stride);
            var inside = 0;
            for (var row = 0; row < rowCount; row++)
            {
                // Filter type 0 (none): palette indices say nothing about their neighbours' values, so PNG's
                // predictors do not help them, and the PNG specification recommends none for palette images.
                scanlines[row * stride] = 0;
                var pixels = scanlines.Slice(row * stride + 1, _view.Width);
                MandelbrotKernel.RenderRow(_view, firstRow + row, pixels, cancellationToken);
                inside += pixels.Count(MandelbrotKernel.Inside);
            }
            var (deflated, adler32) = MandelbrotPng.DeflatePiece(scanlines);
            return DeflatedBands.Of(new DeflatedBand(firstRow, rowCount, inside, adler32, deflated));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public override DeflatedBands Combine(DeflatedBands earlier, DeflatedBands later) => earlier.Append(later);

    public override ComputeOutput Complete(DeflatedBands partial)
    {
        var (pieces, adler32, inside) = partial.Whole(_view.Width, _view.Height);
        var png = MandelbrotPng.Write(_view.Width, _view.Height, pieces, adler32);
        var summary = ComputeOutput.Json(new
        {
            _view.Width,
            _view.Height,
            _view.CenterX,
            _view.CenterY,
            _view.Scale,
            _view.MaxIterations,
            InsideFraction = (double)inside / ((long)_view.Width * _view.Height),
            PngBytes = png.Length,
        });
        return summary with { Content = BinaryData.FromBytes(png), ContentType = "image/png" };
    }

    public override BinaryData Serialize(DeflatedBands partial) => partial.Serialize(_view.Width);

    public override DeflatedBands Deserialize(BinaryData data) => DeflatedBands.Deserialize(data);
}
