namespace CityBrain.Provisioning.Cli;

/// <summary>
/// Finds the 7-bit addresses that answer on an I2C bus. The hook for the library call being added to
/// drivers/CityBrain.Drivers.I2c on a parallel branch: implement this over it and return it from
/// <see cref="ScanCommand.I2cScanner"/> (TODO once that branch is merged).
/// </summary>
internal interface II2cScanner
{
    /// <param name="busId">The Linux bus number (/dev/i2c-N).</param>
    /// <param name="progress">Called with each address as it is tried (0x03..0x77).</param>
    Task<IReadOnlyList<int>> ScanAsync(int busId, IProgress<int> progress, CancellationToken cancellationToken);
}
