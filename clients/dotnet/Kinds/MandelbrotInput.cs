namespace ComputeFunctions.Client;

/// <summary>
/// A <c>mandelbrot</c> job: render a region of the Mandelbrot set to a PNG. Every property is optional; the server's
/// defaults (and limits) are listed by <see cref="JobsClient.GetKindsAsync"/>. The PNG is read with
/// <see cref="JobsClient.OpenResultAsync"/>.
/// </summary>
public sealed record MandelbrotInput() : JobInput<MandelbrotResult>("mandelbrot")
{
    /// <summary>Real part of the view's center.</summary>
    public double? CenterX { get; init; }

    /// <summary>Imaginary part of the view's center.</summary>
    public double? CenterY { get; init; }

    /// <summary>Width of the view in the complex plane; the height follows the pixel aspect ratio.</summary>
    public double? Scale { get; init; }

    /// <summary>Image width in pixels.</summary>
    public int? Width { get; init; }

    /// <summary>Image height in pixels.</summary>
    public int? Height { get; init; }

    /// <summary>Iterations after which a point counts as inside the set.</summary>
    public int? MaxIterations { get; init; }
}

/// <summary>The JSON summary of a <c>mandelbrot</c> job; the image itself is the job's stored content.</summary>
/// <param name="Width">Image width in pixels.</param>
/// <param name="Height">Image height in pixels.</param>
/// <param name="CenterX">Real part of the view's center.</param>
/// <param name="CenterY">Imaginary part of the view's center.</param>
/// <param name="Scale">Width of the view in the complex plane.</param>
/// <param name="MaxIterations">The iteration limit used.</param>
/// <param name="InsideFraction">The share of pixels inside the set.</param>
/// <param name="PngBytes">The size of the PNG.</param>
public sealed record MandelbrotResult(
    int Width, int Height, double CenterX, double CenterY, double Scale, int MaxIterations, double InsideFraction, long PngBytes);
