namespace CityBrain.Sensing.Contract;

/// <summary>The parts of a node topic <c>citybrain/v1/{district}/{grid}/{node}/{kind}</c>.</summary>
public readonly record struct NodeTopic(string District, string Grid, string Node, string Kind);
