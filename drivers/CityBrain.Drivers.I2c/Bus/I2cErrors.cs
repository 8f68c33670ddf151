using System.Globalization;
using System.Text.RegularExpressions;
using CityBrain.Sensing;

namespace CityBrain.Drivers.I2c;

/// <summary>
/// Classifies what an I2C transfer threw. System.Device.Gpio's Linux device throws
/// <c>IOException("Error {errno} performing I2C data transfer.")</c>; the errno tells an absent chip (121 EREMOTEIO:
/// no ACK — also what a second device on a badly wired bus gives) from a stuck bus (110 ETIMEDOUT: a slave holds SDA
/// low; retrying only hammers it) from a passing glitch (5 EIO, 11 EAGAIN lost arbitration, 16 EBUSY).
/// </summary>
public static partial class I2cErrors
{
    public const int NoAcknowledge = 121;
    public const int NoDevice = 6;
    public const int TimedOut = 110;

    /// <summary>The errno in a System.Device.Gpio transfer error, if the message has one.</summary>
    public static int? Errno(Exception error)
    {
        var match = ErrnoPattern().Match(error.Message);
        return match.Success ? int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The fault of a failed transfer at <paramref name="where"/> (e.g. <c>i2c-1 0x76</c>): code, text, and whether retrying may help.</summary>
    public static ChipFault Classify(Exception error, string where)
    {
        switch (error)
        {
            case ChipFaultException chip:
                return chip.Fault;
            case TimeoutException:
                return new ChipFault(FaultCodes.Timeout, $"{where}: {error.Message}", Retry: true);
            case IOException or InvalidOperationException when IsUnopenableBus(error):
                return new ChipFault(FaultCodes.NotAvailable, $"{where}: {error.Message} (is I2C enabled: dtparam=i2c_arm=on, and may the service open /dev/i2c-*?)", Retry: false);
            case IOException when error.Message.StartsWith("Unable to find a chip with id", StringComparison.Ordinal):
                return new ChipFault(FaultCodes.WrongChip, $"{where}: {error.Message}", Retry: false);
        }

        return Errno(error) switch
        {
            NoAcknowledge or NoDevice => new ChipFault(FaultCodes.Absent, $"{where}: no acknowledge (errno {Errno(error)}): the chip is missing, unpowered, at another address, or a second device on the bus pulls the lines", Retry: true),
            TimedOut => new ChipFault(FaultCodes.Timeout, $"{where}: the bus timed out (errno 110): a device may hold SDA low; not retried — power-cycle the bus's devices if it persists", Retry: false),
            int errno => new ChipFault(FaultCodes.BusError, $"{where}: transfer failed (errno {errno})", Retry: true),
            null when error is IOException => new ChipFault(FaultCodes.BusError, $"{where}: {error.Message}", Retry: true),
            _ => new ChipFault(FaultCodes.DriverError, $"{where}: {error.GetType().Name}: {error.Message}", Retry: false),
        };
    }

    /// <summary>Whether <paramref name="error"/> says the bus itself could not be opened (no <c>/dev/i2c-N</c>, or no permission), not that an address did not answer.</summary>
    public static bool IsUnopenableBus(Exception error) =>
        error is IOException or InvalidOperationException && error.Message.Contains("Can not open I2C device file", StringComparison.Ordinal);

    [GeneratedRegex(@"^Error (\d+) performing I2C data transfer", RegexOptions.CultureInvariant)]
    private static partial Regex ErrnoPattern();
}
