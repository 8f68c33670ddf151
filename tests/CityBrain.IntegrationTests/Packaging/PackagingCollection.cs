namespace CityBrain.IntegrationTests.Packaging;

/// <summary>Every packaging test shares one build of the packages.</summary>
[CollectionDefinition(Name)]
public sealed class PackagingCollection : ICollectionFixture<DebPackages>
{
    public const string Name = "Packaging";
}
