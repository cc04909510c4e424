using System.Buffers;

namespace Functions.Compute.Mandelbrot;

/// <summary>
/// Splits a render into balanced bands of rows; each chunk renders one band and deflates it as a piece of the PNG's
/// zlib stream, so compression runs in parallel with the rest; the output is the PNG the pieces assemble into.
/// </summary>
internal sealed class MandelbrotPlan : ComputePlan<DeflatedBands>
{
    /// <summary>
    /// Work of one chunk counting every pixel as interior (maxIterations): about 17 ms on one core at that worst
    /// case, so real chunks are smaller still. The cost of a pixel varies a thousandfold across an image (a few
    /// iterations far out, maxIterations inside), and only many small bands pulled from a shared counter balance it.
    /// </summary>
    internal const long TargetChunkIterations = 1L << 25;

    /// <summary>
    /// Scanline bytes a band holds at least, unless that breaks <see cref="MaxChunkIterations"/>. A band is deflated
    /// on its own, without the rows above it to refer back to: one-row bands of a 4096-wide zoom came out 27% bigger
    /// than the whole image deflated at once and took twice as long; 32 KiB bands, 4% (README).
    /// </summary>
    internal const int MinBandBytes = 32 * 1024;

    /// <summary>At most about 130 ms of work in one chunk at the worst case: the grain of progress, cancellation and of the executor's turns.</summary>
    internal const long MaxChunkIterations = 1L << 28;

    /// <summary>Measured single-core rate of the SIMD kernel on interior pixels, rounded down (see README).</summary>
    internal const double IterationsPerSecond = 2.0e9;

    /// <summary>
    /// Per-pixel work besides iterating, counted as this many iterations: setup, colouring and copying (16), and
    /// deflating, measured at 8–13 ns a pixel (12–20 iterations' worth), rounded up.
    /// </summary>
    private const int PixelOverheadIterations = 40;

    private readonly MandelbrotView _view;

    public MandelbrotPlan(MandelbrotView view)
        : this(view, MaxRowsPerBand(view))
    {
    }

    /// <param name="maxRowsPerBand">How many rows a band holds at most; bands are spread evenly below it.</param>
    internal MandelbrotPlan(MandelbrotView view, int maxRowsPerBand)
    {
        _view = view;
        var maxRows = Math.Clamp(maxRowsPerBand, 1, view.Height);
        ChunkCount = (view.Height + maxRows - 1) / maxRows;
        var rowsPerChunk = (view.Height + ChunkCount - 1) / ChunkCount;
        ChunkCost = TimeSpan.FromSeconds(rowsPerChunk * RowIterations(view) / IterationsPerSecond);
    }

    public override int ChunkCount { get; }

    public override TimeSpan ChunkCost { get; }

    internal MandelbrotView View => _view;

    /// <summary>Bands of <see cref="TargetChunkIterations"/>, or of <see cref="MinBandBytes"/> if larger and within <see cref="MaxChunkIterations"/>.</summary>
    private static int MaxRowsPerBand(MandelbrotView view)
    {
        var rowIterations = RowIterations(view);
        var forBalance = TargetChunkIterations / rowIterations;
        var stride = MandelbrotPng.ScanlineLength(view.Width);
        var forDeflate = Math.Min((MinBandBytes + stride - 1) / stride, MaxChunkIterations / rowIterations);
        return (int)Math.Clamp(Math.Max(forBalance, forDeflate), 1, view.Height);
    }

    private static long RowIterations(MandelbrotView view) => (long)view.Width * (view.MaxIterations + PixelOverheadIterations);

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
