using System.Reflection;

namespace CityBrain.Hub.Tests.Architecture;

/// <summary>
/// The hub's namespaces depend one way: Alerts on Health (the registry it reads), Ingest on Sinks (the sinks it writes
/// to), never back. Checked on the compiled types: base types, fields, properties, method and constructor signatures,
/// local variables and generic arguments (compiler-made closures and state machines included).
/// </summary>
public sealed class NamespaceDependencyTests
{
    [Theory]
    [InlineData("CityBrain.Hub.Health", "CityBrain.Hub.Alerts")]
    [InlineData("CityBrain.Hub.Sinks", "CityBrain.Hub.Ingest")]
    public void Namespace_DoesNotUseTheOneThatDependsOnIt(string from, string forbidden)
    {
        var offenders = typeof(HubJsonContext).Assembly.GetTypes()
            .Where(t => InNamespace(t, from))
            .SelectMany(t => Used(t).Where(u => InNamespace(u, forbidden)).Select(u => $"{t.FullName} uses {u.FullName}"))
            .Distinct()
            .ToList();

        Assert.True(offenders.Count == 0, string.Join("\n", offenders));
    }

    private static bool InNamespace(Type t, string ns) => t.Namespace == ns || (t.Namespace?.StartsWith(ns + ".", StringComparison.Ordinal) ?? false);

    private static IEnumerable<Type> Used(Type type)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var direct = new List<Type?> { type.BaseType };
        direct.AddRange(type.GetInterfaces());
        direct.AddRange(type.GetFields(All).Select(f => f.FieldType));
        direct.AddRange(type.GetProperties(All).Select(p => p.PropertyType));
        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            direct.AddRange(method.GetParameters().Select(p => p.ParameterType));
            if (method is MethodInfo m)
            {
                direct.Add(m.ReturnType);
            }

            direct.AddRange(method.GetMethodBody()?.LocalVariables.Select(l => l.LocalType) ?? []);
        }

        return direct.OfType<Type>().SelectMany(Expand);
    }

    private static IEnumerable<Type> Expand(Type t)
    {
        yield return t;
        if (t.HasElementType)
        {
            foreach (var e in Expand(t.GetElementType()!))
            {
                yield return e;
            }
        }

        if (t.IsGenericType)
        {
            foreach (var a in t.GetGenericArguments().SelectMany(Expand))
            {
                yield return a;
            }
        }
    }
}
