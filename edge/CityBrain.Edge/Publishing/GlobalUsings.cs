// The latency histogram is shared with the hub (drivers/CityBrain.Sensing.Hosting/LatencyHistogram.cs).
global using LatencyHistogram = CityBrain.Sensing.Hosting.LatencyHistogram;
