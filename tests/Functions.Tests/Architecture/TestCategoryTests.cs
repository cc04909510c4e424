using System.Reflection;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Architecture;

/// <summary>Holds <c>./test.sh --fast</c> honest as tests are added: a test class on the storage fixture says it needs storage.</summary>
public sealed class TestCategoryTests
{
    [Fact]
    public void EveryClassOnTheStorageCollection_IsInTheStorageCategory()
    {
        var unmarked = typeof(TestCategoryTests).Assembly.GetTypes()
            .Where(type => Has(type, typeof(CollectionAttribute), StorageCollection.Name))
            .Where(type => !Has(type, typeof(TraitAttribute), "Category", TestCategories.Storage))
            .Select(type => type.Name)
            .ToList();

        Assert.True(unmarked.Count == 0, $"On the storage collection without [Trait(\"Category\", TestCategories.Storage)]: {string.Join(", ", unmarked)}");
    }

    // xunit's attributes keep their arguments to themselves: read them as written.
    private static bool Has(Type type, Type attribute, params object[] arguments) =>
        type.GetCustomAttributesData().Any(data =>
            data.AttributeType == attribute && data.ConstructorArguments.Select(a => a.Value).SequenceEqual(arguments));
}
