namespace CityBrain.Drivers.Simulated;

/// <summary>The urban sensor families the simulator can stand in for.</summary>
public enum SimulatedSensorKind
{
    /// <summary>Loop detector / radar counter: vehicle_count, mean_speed, occupancy.</summary>
    Traffic,

    /// <summary>Smart waste bin: fill_level, weight, lid_open, odour_gas.</summary>
    Bin,

    /// <summary>Environment station: pm2_5, pm10, noise_laeq, air_temperature, relative_humidity.</summary>
    Environment,

    /// <summary>Flood sensor: water_level, rain_rate.</summary>
    Water,
}
