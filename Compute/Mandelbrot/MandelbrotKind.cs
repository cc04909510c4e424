using System.Text.Json;

namespace Functions.Compute.Mandelbrot;

/// <summary>mandelbrot: renders a region of the Mandelbrot set to a palette PNG, parallel over bands of rows.</summary>
public sealed class MandelbrotKind : IComputeKind
{
    /// <summary>8192 × 8192 one-byte pixels is 64 MiB, the largest image a job holds in memory at once.</summary>
    public const int MaxSide = 8192;

    /// <summary>A one-row chunk of the widest image then takes at most 8192 × 100 000 iterations, about half a second on one core.</summary>
    public const int MaxIterations = 100_000;

    public const int DefaultIterations = 1000;

    /// <summary>The whole set lies within |c| ≤ 2; centers further out only show the exterior.</summary>
    public const double MaxCenter = 4;

    /// <summary>A view wider than this shows the set as a dot.</summary>
    public const double MaxScale = 16;

    /// <summary>
    /// Doubles carry about 16 significant digits: with a narrower view, neighbouring pixels of an 8192-wide image
    /// near |c| ≈ 2 lie only a few units in the last place apart and the picture turns blocky.
    /// </summary>
    public const double MinScale = 1e-11;

    public string Name => "mandelbrot";

    public KindDescription Description { get; } = new(
        "mandelbrot",
        "Renders a region of the Mandelbrot set to a PNG (smooth-coloured exterior, black interior); the JSON value summarizes it.",
        [
            new InputField("centerX", "number", "Real part of the view's center.", Required: false, Minimum: -MaxCenter, Maximum: MaxCenter, Default: -0.5),
            new InputField("centerY", "number", "Imaginary part of the view's center.", Required: false, Minimum: -MaxCenter, Maximum: MaxCenter, Default: 0.0),
            new InputField("scale", "number", "Width of the view in the complex plane; the height follows the pixel aspect ratio.", Required: false, Minimum: MinScale, Maximum: MaxScale, Default: 3.0),
            new InputField("width", "integer", "Image width in pixels.", Required: false, Minimum: 1, Maximum: MaxSide, Default: 1024),
            new InputField("height", "integer", "Image height in pixels.", Required: false, Minimum: 1, Maximum: MaxSide, Default: 768),
            new InputField("maxIterations", "integer", "Iterations after which a point counts as inside the set.", Required: false, Minimum: 1, Maximum: MaxIterations, Default: DefaultIterations),
        ],
        new { centerX = -0.743643887, centerY = 0.131825904, scale = 0.0002, width = 1920, height = 1080, maxIterations = 5000 },
        "At most width × height × maxIterations iterations at about 2 billion a second on one core (every pixel inside the set); views with few interior pixels take far less.",
        "maxIterations");

    public IComputePlan Plan(JsonElement input) => new MandelbrotPlan(ReadView(input));

    /// <summary>
    /// A view inside the period-3 bulb, where every pixel runs to maxIterations (the closed-form test knows only the
    /// cardioid and the period-2 bulb): the worst case a render is priced at. 192 × 128 × 3000, ~40 ms.
    /// </summary>
    public CalibrationWork Calibration() => CalibrationWork.FirstChunksOf(this, JsonSerializer.SerializeToElement(
        new { centerX = -0.1225, centerY = 0.7449, scale = 0.06, width = 192, height = 128, maxIterations = 3000 }));

    internal static MandelbrotView ReadView(JsonElement input) => new(
        JobInput.Number(input, "centerX", -MaxCenter, MaxCenter, -0.5),
        JobInput.Number(input, "centerY", -MaxCenter, MaxCenter, 0.0),
        JobInput.Number(input, "scale", MinScale, MaxScale, 3.0),
        (int)JobInput.Integer(input, "width", 1, MaxSide, 1024),
        (int)JobInput.Integer(input, "height", 1, MaxSide, 768),
        (int)JobInput.Integer(input, "maxIterations", 1, MaxIterations, DefaultIterations));
}
