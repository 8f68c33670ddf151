#!/usr/bin/env python3
"""A pymodbus (3.0) server for interop tests: an implementation nobody here wrote.

usage: pymodbus_server.py tcp PORT SPEC.json
       pymodbus_server.py rtu DEVICE BAUD SPEC.json

SPEC.json: {"unit": 1, "values": [{"type": "float32", "order": "CDAB", "address": 0, "value": 1.5}, ...],
            "coils": [1, 0, ...], "discrete": [0, 1, ...]}
Serial settings are 8N2: Linux ptys reject parity (tcsetattr EINVAL), and MB-SER asks for 2 stop bits without parity.
Values are encoded with pymodbus's own BinaryPayloadBuilder into holding registers, and copied into input
registers, so the .NET client's decoding is checked against a second implementation of the word orders.
"""
import json
import logging
import sys

from pymodbus.constants import Endian
from pymodbus.device import ModbusDeviceIdentification
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.payload import BinaryPayloadBuilder
from pymodbus.server import StartSerialServer, StartTcpServer
from pymodbus.transaction import ModbusRtuFramer, ModbusSocketFramer

ORDERS = {  # (byteorder, wordorder) in pymodbus terms
    "ABCD": (Endian.Big, Endian.Big),
    "CDAB": (Endian.Big, Endian.Little),
    "BADC": (Endian.Little, Endian.Big),
    "DCBA": (Endian.Little, Endian.Little),
}
ADDERS = {
    "int16": "add_16bit_int", "uint16": "add_16bit_uint", "int32": "add_32bit_int", "uint32": "add_32bit_uint",
    "int64": "add_64bit_int", "uint64": "add_64bit_uint", "float32": "add_32bit_float", "float64": "add_64bit_float",
}
SIZE = 1000


def build_context(spec):
    registers = [0] * SIZE
    for item in spec["values"]:
        byteorder, wordorder = ORDERS[item["order"]]
        builder = BinaryPayloadBuilder(byteorder=byteorder, wordorder=wordorder)
        getattr(builder, ADDERS[item["type"]])(item["value"])
        words = builder.to_registers()
        registers[item["address"]:item["address"] + len(words)] = words
    coils = (spec.get("coils", []) + [0] * SIZE)[:SIZE]
    discrete = (spec.get("discrete", []) + [0] * SIZE)[:SIZE]
    slave = ModbusSlaveContext(
        di=ModbusSequentialDataBlock(0, [bool(b) for b in discrete]),
        co=ModbusSequentialDataBlock(0, [bool(b) for b in coils]),
        hr=ModbusSequentialDataBlock(0, list(registers)),
        ir=ModbusSequentialDataBlock(0, list(registers)),
        zero_mode=True,
    )
    return ModbusServerContext(slaves={spec["unit"]: slave}, single=False)


def identity():
    return ModbusDeviceIdentification(info_name={
        "VendorName": "pymodbus-peer", "ProductCode": "PM-INTEROP", "MajorMinorRevision": "3.0.0",
        "VendorUrl": "https://example.invalid", "ProductName": "interop server", "ModelName": "peer",
    })


def main(argv):
    logging.basicConfig(level=logging.ERROR)
    if argv[1] == "tcp":
        spec = json.load(open(argv[3]))
        print(f"pymodbus tcp server on 127.0.0.1:{argv[2]}", flush=True)
        StartTcpServer(context=build_context(spec), identity=identity(), address=("127.0.0.1", int(argv[2])), framer=ModbusSocketFramer)
    elif argv[1] == "rtu":
        spec = json.load(open(argv[4]))
        print(f"pymodbus rtu server on {argv[2]} at {argv[3]} baud", flush=True)
        StartSerialServer(context=build_context(spec), identity=identity(), framer=ModbusRtuFramer, port=argv[2], baudrate=int(argv[3]),
                          bytesize=8, parity="N", stopbits=2, timeout=0.005)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
