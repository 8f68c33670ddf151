using CityBrain.Modbus.Tests.Support;

namespace CityBrain.Modbus.Tests.Framing;

/// <summary>Arbitrary bytes into both framers: every outcome is success or a typed <see cref="ModbusException"/>; nothing hangs.</summary>
public sealed class FramerFuzzTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RandomBytes_EndInSuccessOrTypedError(bool rtu)
    {
        var random = new Random(rtu ? 1234 : 4321);
        var outcomes = new Dictionary<string, int>();
        for (int i = 0; i < 400; i++)
        {
            await using var bus = new ScriptedBus(rtu, maxResyncBytes: 128);
            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);
            if (bytes.Length > 2 && random.Next(3) == 0)
            {
                bytes[0] = rtu ? (byte)1 : (byte)0;
                bytes[1] = rtu ? (byte)3 : (byte)1;
            }

            int offset = 0;
            while (offset < bytes.Length)
            {
                int n = Math.Min(bytes.Length - offset, random.Next(1, 40));
                bus.Stream.Script(bytes[offset..(offset + n)]);
                offset += n;
            }

            bus.Stream.EndOfStream = random.Next(4) == 0;
            int count = random.Next(1, 10);
            var error = await bus.RunAsync(c => c.ReadHoldingRegistersAsync(1, 0, new ushort[count]));
            Assert.True(error is null or ModbusException, $"iteration {i}: unexpected {error}");
            string key = error?.GetType().Name ?? "success";
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }

        Assert.True(outcomes.Count >= 2, string.Join(", ", outcomes));
    }
}
