namespace Functions.Compute.Mandelbrot;

/// <summary>A validated mandelbrot input: which region of the complex plane, at what resolution.</summary>
/// <param name="Scale">The width of the view in the complex plane; pixels are square.</param>
internal sealed record MandelbrotView(double CenterX, double CenterY, double Scale, int Width, int Height, int MaxIterations)
{
    public double PixelSize => Scale / Width;

    /// <summary>The real part at the center of pixel column <paramref name="x"/>.</summary>
    public double Real(int x) => CenterX + (x + 0.5 - Width / 2.0) * PixelSize;

    /// <summary>The imaginary part at the center of pixel row <paramref name="y"/>; row 0 is the top, so it grows downwards.</summary>
    public double Imaginary(int y) => CenterY - (y + 0.5 - Height / 2.0) * PixelSize;
}
