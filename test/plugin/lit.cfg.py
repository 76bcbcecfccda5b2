# lit suite of the YAMS Clang plugin: each file under lit/ checks one behaviour of the plugin with
# -verify, FileCheck on -ast-dump / -emit-llvm, or by comparing object files.
import os

import lit.formats

config.name = "yams-clang-plugin"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".cpp", ".test"]
config.excludes = ["Inputs"]
config.test_source_root = os.path.join(os.path.dirname(__file__), "lit")
config.test_exec_root = os.path.join(config.yams_binary_dir, "test", "plugin", "lit-out")

config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, config.environment.get("PATH", os.environ.get("PATH", ""))])
for var in ("HOME", "TMPDIR", "LANG"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

common = "-std=c++20 -I{} -Wno-c++23-lambda-attributes".format(config.annotations_include)
# %clangxx: clang 19 with the probe headers; %yams: load the plugin.
config.substitutions.append(("%clangxx", "{} {}".format(config.clangxx, common)))
config.substitutions.append(("%gxx", "{} {}".format(config.gxx, "-std=c++20 -I{}".format(
    config.annotations_include))))
config.substitutions.append(("%yams", "-fplugin={}".format(config.plugin_file)))
config.substitutions.append(("%cc1", "-Xclang -verify -fsyntax-only"))
