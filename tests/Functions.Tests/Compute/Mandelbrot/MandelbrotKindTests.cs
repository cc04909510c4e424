using System.Text.Json;
using Functions.Compute;
using Functions.Compute.Mandelbrot;

namespace Functions.Tests.Compute.Mandelbrot;

public sealed class MandelbrotKindTests
{
    private readonly MandelbrotKind _kind = new();

    [Theory]
    [InlineData("""{"width":0}""", "input.width")]
    [InlineData("""{"width":8193}""", "input.width")]
    [InlineData("""{"height":1.5}""", "input.height")]
    [InlineData("""{"height":"768"}""", "input.height")]
    [InlineData("""{"scale":0}""", "input.scale")]
    [InlineData("""{"scale":-1}""", "input.scale")]
    [InlineData("""{"centerX":"a"}""", "input.centerX")]
    [InlineData("""{"centerY":5}""", "input.centerY")]
    [InlineData("""{"maxIterations":0}""", "input.maxIterations")]
    [InlineData("""{"maxIterations":100001}""", "input.maxIterations")]
    [InlineData("""[1,2]""", "input")]
    public void Plan_InvalidField_ThrowsNamingIt(string input, string field)
    {
        var error = Assert.Throws<InvalidInputException>(() => _kind.Plan(JsonDocument.Parse(input).RootElement));
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Plan_EmptyInput_RendersTheOverview()
    {
        var plan = Assert.IsType<MandelbrotPlan>(_kind.Plan(JsonDocument.Parse("{}").RootElement));

        Assert.Equal(new MandelbrotView(-0.5, 0, 3, 1024, 768, MandelbrotKind.DefaultIterations), plan.View);
    }

    [Fact]
    public void Plan_Example_IsValid()
    {
        var plan = _kind.Plan(JsonSerializer.SerializeToElement(_kind.Description.Example));
        Assert.True(plan.ChunkCount > 0);
    }

    [Fact]
    public void Description_ListsEveryInputWithLimitsAndDefault()
    {
        var fields = _kind.Description.Input.ToDictionary(f => f.Name);

        Assert.Equal(["centerX", "centerY", "scale", "width", "height", "maxIterations"], fields.Keys);
        Assert.All(fields.Values, f => Assert.NotNull(f.Default));
        Assert.Equal(MandelbrotKind.MaxSide, fields["width"].Maximum);
        Assert.Equal(MandelbrotKind.MaxIterations, fields["maxIterations"].Maximum);
    }
}
