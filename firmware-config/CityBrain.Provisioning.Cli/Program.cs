using CityBrain.Drivers.I2c;
using CityBrain.Provisioning.Cli;

return await CliApp.RunAsync(args, new SystemI2cDeviceFactory());
