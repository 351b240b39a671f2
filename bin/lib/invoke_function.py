"""Invokes the RoleManager Lambda function and reports its result.

The logic of the three scripts (they only pick the action and run this file):
  bin/create-or-update-database-roles   action "manage" (plan + apply in one transaction)
  bin/plan-database-roles               action "plan"   (the SQL that would run; changes nothing)
  bin/check-database-roles              action "check"  (log in as each role and prove its privileges)

Python 3 standard library only; the call itself is made by the aws CLI (v1 or v2), so credentials, profiles,
regions and endpoints work exactly as for any aws command.
"""

import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

# The fields of the function's result this script reads. They are the JSON names of the engine's run summary
# (src/RoleManager.Core/Reporting/RunSummary.cs, Check/CheckResult.cs); a test pins them against the function's
# real output (tests/RoleManager.Lambda.Tests/InvokeScriptFields.cs, used by BootstrapEndToEndTests).
RESULT_PASSED = "passed"
RESULT_ASSERTIONS = "assertions"
RESULT_CHANGES = "changes"
ASSERTION_ROLE = "role"
ASSERTION_NAME = "name"
ASSERTION_PASSED = "passed"
ASSERTION_DETAIL = "detail"

DESCRIPTIONS = {
    "manage": ("create-or-update-database-roles",
               "Creates or updates the database roles, schemas and privileges: the function plans the\n"
               "changes and applies them in one transaction (nothing is applied when the plan is empty).",
               "      --dry-run            Run the whole change in a transaction that is rolled back\n"
               "                           (event {\"action\": \"manage\", \"dryRun\": true}); nothing is kept.\n"),
    "plan": ("plan-database-roles",
             "Shows the changes (with their SQL) the function would make; changes nothing.",
             "      --detailed-exitcode  Exit 2 when the plan has changes, 0 when it is empty.\n"),
    "check": ("check-database-roles",
              "Checks the database: the function logs in as each declared role and proves what it can\n"
              "and cannot do, and fails when the plan is not empty (drift). Exits 3 when any assertion fails "
              "(as role-manager check).",
              ""),
}


class UsageError(Exception):
    """A mistake in the script's own arguments: exit 1 with a pointer to --help."""


class Failure(Exception):
    """Something outside the script failed: exit 1 with the message."""


def usage(action, script):
    _, what, extra = DESCRIPTIONS[action]
    return f"""Usage: {script} [FUNCTION_NAME] [options]

{what}

The function name comes from, in this order: the FUNCTION_NAME argument or --function-name,
$ROLE_MANAGER_FUNCTION_NAME, or 'terraform output role_manager_function_name' (or
function_name) in --terraform-dir (default: the current directory if it holds *.tf files,
else infra/examples/aurora-postgresql).

Options:
  -f, --function-name NAME Lambda function name or ARN.
      --terraform-dir DIR  Terraform root module to read the function name (and region) from.
      --region REGION      AWS region (default: AWS_REGION / AWS_DEFAULT_REGION / profile /
                           the 'region' terraform output).
      --config FILE        Layout config sent with the event (JSON; YAML when python3 has PyYAML).
      --no-log             Do not print the function's log tail.
{extra}  -h, --help               Show this help.

Environment:
  AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL   Send the call there (e.g. a local emulator).
  AWS_PROFILE, AWS_REGION, credentials          As for any aws CLI command.

Event sent: {{"action": "{action}"}} (plus "dryRun" and "config" when asked for).
Output: the function's log tail (decoded) on stderr, its JSON result pretty-printed on stdout.
Exit status (the same as role-manager's): 0 success; 1 when the function reports an error
(FunctionError) or the call fails; 2 plan-database-roles --detailed-exitcode found changes; 3 a check
ran and failed ("passed": false); 130 interrupted (Ctrl-C). A usage error of the script is 1, as in role-manager.
Needs: python3 and the aws CLI."""


def parse_arguments(action, args):
    options = {"function_name": None, "terraform_dir": os.environ.get("ROLE_MANAGER_TERRAFORM_DIR") or None,
               "region": None, "config": None, "dry_run": False, "detailed_exitcode": False, "show_log": True,
               "help": False}
    valued = {"-f": "function_name", "--function-name": "function_name", "--terraform-dir": "terraform_dir",
              "--region": "region", "--config": "config"}
    positional = []
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, inline = arg.partition("=")
        if arg in ("-h", "--help"):
            options["help"] = True
        elif name in valued and name.startswith("--") and eq:
            if not inline:
                raise UsageError(f"{name} needs a value")
            options[valued[name]] = inline
        elif arg in valued:
            if i + 1 >= len(args) or not args[i + 1]:
                raise UsageError(f"{arg} needs a value")
            options[valued[arg]] = args[i + 1]
            i += 1
        elif arg == "--dry-run":
            if action != "manage":
                raise UsageError("--dry-run is an option of create-or-update-database-roles (plan never changes anything)")
            options["dry_run"] = True
        elif arg == "--detailed-exitcode":
            if action != "plan":
                raise UsageError("--detailed-exitcode is an option of plan-database-roles")
            options["detailed_exitcode"] = True
        elif arg == "--no-log":
            options["show_log"] = False
        elif arg == "--":
            positional.extend(args[i + 1:])
            break
        elif arg.startswith("-"):
            raise UsageError(f"unknown option: {arg}")
        else:
            positional.append(arg)
        i += 1
    if positional:
        if options["function_name"] or len(positional) > 1:
            given = options["function_name"] or positional[0]
            extra = positional[1:] if not options["function_name"] else positional
            raise UsageError(f"unexpected argument: {' '.join(extra)} (the function name is already '{given}')")
        options["function_name"] = positional[0]
    return options


def terraform_outputs(directory):
    if not shutil.which("terraform"):
        raise Failure("no function name given and terraform is not installed to read it from 'terraform output': "
                      "pass FUNCTION_NAME (or --function-name), or install terraform")
    run = subprocess.run(["terraform", f"-chdir={directory}", "output", "-json", "-no-color"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        raise Failure(f"no function name given and 'terraform output' failed in {directory}: pass FUNCTION_NAME (or --function-name)")
    return json_object(run.stdout)


def output_string(outputs, name):
    value = (outputs.get(name) or {}).get("value") if isinstance(outputs.get(name), dict) else None
    return value if isinstance(value, str) and value else None


def resolve_function(options, repo_root):
    """The function name (and a region from terraform, if the name came from there)."""
    name = options["function_name"] or os.environ.get("ROLE_MANAGER_FUNCTION_NAME") or None
    if name:
        return name, None
    directory = options["terraform_dir"]
    if not directory:
        has_tf = any(entry.endswith(".tf") for entry in os.listdir("."))
        directory = "." if has_tf else os.path.join(repo_root, "infra", "examples", "aurora-postgresql")
    if not os.path.isdir(directory):
        raise UsageError(f"no function name given and no Terraform directory '{directory}': pass FUNCTION_NAME or --terraform-dir")
    outputs = terraform_outputs(directory)
    name = output_string(outputs, "role_manager_function_name") or output_string(outputs, "function_name")
    if not name:
        raise Failure(f"no function name given and 'terraform output' in {directory} has neither role_manager_function_name "
                      "nor function_name: pass FUNCTION_NAME, or run 'terraform apply' there first")
    return name, output_string(outputs, "region")


def build_event(action, options):
    # Always the object form {"action": ...}: the function also accepts the bare string "check", but the object
    # form is what carries dryRun and config, and every Lambda emulator parses it.
    event = {"action": action}
    if options["dry_run"]:
        event["dryRun"] = True
    path = options["config"]
    if path:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError:
            raise UsageError(f"cannot read the config file '{path}'")
        try:
            config = json.loads(text)
        except ValueError:
            try:
                import yaml  # optional: PyYAML
            except ImportError:
                raise Failure(f"{path} is not JSON, and PyYAML is not installed to read it as YAML: "
                              "convert it to JSON or pip install pyyaml")
            try:
                config = yaml.safe_load(text)
            except yaml.YAMLError as e:
                raise Failure(f"the config file '{path}' is neither JSON nor valid YAML: {e}")
        if not isinstance(config, dict):
            raise Failure(f"{path} must hold a mapping (the layout config)")
        event["config"] = config
    return event


def invoke(function_name, event, options, terraform_region, work):
    aws = ["aws", "--output", "json"]
    endpoint = os.environ.get("AWS_ENDPOINT_URL_LAMBDA") or os.environ.get("AWS_ENDPOINT_URL")
    if endpoint:
        aws += ["--endpoint-url", endpoint]
    if options["region"]:
        aws += ["--region", options["region"]]
    elif not (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")) and terraform_region:
        aws += ["--region", terraform_region]
    event_file, result_file = os.path.join(work, "event.json"), os.path.join(work, "result.json")
    with open(event_file, "w", encoding="utf-8") as f:
        json.dump(event, f)
    # A synchronous invoke can take as long as the function's timeout (up to 15 minutes): the CLI's default read
    # timeout (60 s) would make it give up and retry, i.e. invoke the function again.
    command = aws + ["lambda", "invoke", "--function-name", function_name, "--invocation-type", "RequestResponse",
                     "--log-type", "Tail", "--cli-read-timeout", "910", "--cli-connect-timeout", "30",
                     "--payload", f"fileb://{event_file}", result_file]
    run = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "AWS_PAGER": ""})
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        raise Failure(f"aws lambda invoke failed (exit status {run.returncode})")
    with open(result_file, "rb") as f:
        body = f.read()
    return json_object(run.stdout), body


def json_object(text):
    """The JSON object in text; {} when it is not JSON or not an object (the callers only read fields of it)."""
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def report(action, options, meta, body):
    """Prints the log tail and result; returns the exit status."""
    err = sys.stderr
    if options["show_log"]:
        tail = meta.get("LogResult")
        if tail:
            err.write("--- function log (tail) ---\n")
            try:
                err.write(base64.b64decode(tail).decode("utf-8", "replace"))
            except ValueError:
                err.write("(the log tail could not be decoded)")
            err.write("\n--- end of log ---\n")
        else:
            err.write("(no log tail in the response)\n")

    err.write("--- result ---\n")
    err.flush()
    try:
        parsed = json.loads(body) if body.strip() else None
        is_json = bool(body.strip())
    except ValueError:
        parsed, is_json = None, False
    if not body.strip():
        print("(empty result)")
    elif is_json:
        print(json.dumps(parsed, indent=4, ensure_ascii=False))
    else:
        print(body.decode("utf-8", "replace"))
    sys.stdout.flush()

    result = parsed if isinstance(parsed, dict) else {}
    function_error = meta.get("FunctionError")
    if function_error:
        detail = "".join(f": {result[k]}" for k in ("errorType", "errorMessage") if result.get(k))
        err.write(f"FAILED: the function reported an error ({function_error}){detail}\n")
        return 1
    status = meta.get("StatusCode")
    if status is not None and status != 200:
        err.write(f"FAILED: the invocation answered status {status}\n")
        return 1

    assertions = result.get(RESULT_ASSERTIONS) if isinstance(result.get(RESULT_ASSERTIONS), list) else None
    if result.get(RESULT_PASSED) is False:
        failed = [a for a in assertions or [] if isinstance(a, dict) and a.get(ASSERTION_PASSED) is not True]
        err.write(f"FAILED: the check did not pass ({len(failed)} of {len(assertions) if assertions is not None else '?'} assertions failed)\n")
        for a in failed:
            detail = f" — {a[ASSERTION_DETAIL]}" if a.get(ASSERTION_DETAIL) else ""
            err.write(f"  ✗ {a.get(ASSERTION_ROLE) or '?'}: {a.get(ASSERTION_NAME) or '?'}{detail}\n")
        return 3

    changes = result.get(RESULT_CHANGES) if isinstance(result.get(RESULT_CHANGES), list) else None
    if action == "check":
        if result.get(RESULT_PASSED) is True:
            err.write(f"OK: the check passed ({len(assertions) if assertions is not None else '?'} assertions)\n")
        else:
            err.write("OK: the function succeeded\n")
    elif changes is None:
        err.write("OK: the function succeeded\n")
    elif action == "plan":
        err.write(f"OK: {len(changes)} change(s) planned\n")
        if options["detailed_exitcode"] and changes:
            return 2
    elif options["dry_run"]:
        err.write(f"OK: {len(changes)} change(s) planned (dry run, nothing applied)\n")
    else:
        err.write(f"OK: {len(changes)} change(s) applied\n")
    return 0


def main(argv):
    if len(argv) < 2 or argv[1] not in DESCRIPTIONS:
        sys.stderr.write("usage: invoke_function.py manage|plan|check [script arguments]\n")
        return 1
    action = argv[1]
    script = os.environ.get("ROLE_MANAGER_SCRIPT_NAME") or DESCRIPTIONS[action][0]
    repo_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        options = parse_arguments(action, argv[2:])
        if options["help"]:
            print(usage(action, script))
            return 0
        if not shutil.which("aws"):
            raise Failure("the aws CLI is not installed: install it (pip install awscli, or AWS CLI v2 from your "
                          "package manager) and try again")
        function_name, terraform_region = resolve_function(options, repo_root)
        event = build_event(action, options)
        described = f"{action} (dry run)" if options["dry_run"] else action
        sys.stderr.write(f"==> Invoking {function_name}: {described}\n")
        sys.stderr.flush()
        with tempfile.TemporaryDirectory(prefix="role-manager-invoke.") as work:
            meta, body = invoke(function_name, event, options, terraform_region, work)
        return report(action, options, meta, body)
    except UsageError as e:
        sys.stderr.write(f"{script}: {e}\nTry '{script} --help'.\n")
        return 1
    except Failure as e:
        sys.stderr.write(f"{script}: {e}\n")
        return 1
    except KeyboardInterrupt:
        # The same exit status as role-manager (128 + SIGINT); the function may still finish its run.
        return 130


if __name__ == "__main__":
    # Output piped into `head` ends quietly, as for any shell tool.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main(sys.argv))
