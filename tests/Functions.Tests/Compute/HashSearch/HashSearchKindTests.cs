using System.Text;
using System.Text.Json;
using Functions.Compute;
using Functions.Compute.HashSearch;

namespace Functions.Tests.Compute.HashSearch;

public sealed class HashSearchKindTests
{
    private readonly HashSearchKind _kind = new();

    [Theory]
    [InlineData("""{"difficulty":8}""", "input.prefix")]
    [InlineData("""{"prefix":42,"difficulty":8}""", "input.prefix")]
    [InlineData("""{"prefix":"\ud800","difficulty":8}""", "input.prefix")]
    [InlineData("""{"prefix":"a"}""", "input.difficulty")]
    [InlineData("""{"prefix":"a","difficulty":0}""", "input.difficulty")]
    [InlineData("""{"prefix":"a","difficulty":33}""", "input.difficulty")]
    [InlineData("""{"prefix":"a","difficulty":"8"}""", "input.difficulty")]
    [InlineData("""{"prefix":"a","difficulty":8.5}""", "input.difficulty")]
    [InlineData("\"a\"", "input")]
    public void Plan_InvalidField_ThrowsNamingIt(string input, string field)
    {
        var error = Assert.Throws<InvalidInputException>(() => _kind.Plan(JsonDocument.Parse(input).RootElement));
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Plan_PrefixTooLong_ThrowsNamingIt()
    {
        var input = JsonSerializer.SerializeToElement(new { prefix = new string('x', HashSearchKind.MaxPrefixLength + 1), difficulty = 8 });

        var error = Assert.Throws<InvalidInputException>(() => _kind.Plan(input));
        Assert.Equal("input.prefix", error.Field);
    }

    [Fact]
    public void Plan_LongestPrefixAndEmptyPrefix_Accepted()
    {
        foreach (var prefix in new[] { new string('é', HashSearchKind.MaxPrefixLength), "" })
        {
            var plan = _kind.Plan(JsonSerializer.SerializeToElement(new { prefix, difficulty = 32 }));
            Assert.True(plan.ChunkCount > 0);
        }
    }

    [Fact]
    public void Plan_UnicodePrefix_HashesItsUtf8Bytes()
    {
        var plan = _kind.Plan(JsonSerializer.SerializeToElement(new { prefix = "héllo ⚡", difficulty = 6 }));

        var expected = PlanRunner.RunSequential(new HashSearchPlan(Encoding.UTF8.GetBytes("héllo ⚡"), 6));
        Assert.Equal(expected.Value.GetRawText(), PlanRunner.RunSequential(plan).Value.GetRawText());
    }

    [Fact]
    public void Description_ListsEveryInputWithLimits()
    {
        var fields = _kind.Description.Input.ToDictionary(f => f.Name);

        Assert.Equal(["prefix", "difficulty"], fields.Keys);
        Assert.Equal(HashSearchKind.MaxDifficulty, fields["difficulty"].Maximum);
        Assert.True(_kind.Plan(JsonSerializer.SerializeToElement(_kind.Description.Example)).ChunkCount > 0);
    }
}
