using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Catalogue;

/// <summary>Source-generated (no reflection: the edge and hub are NativeAOT) reader and writer of the catalogue file.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = false,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict,
    WriteIndented = false)]
[JsonSerializable(typeof(CatalogueDocument))]
public sealed partial class CatalogueJsonContext : JsonSerializerContext;
