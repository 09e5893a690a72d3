#!/usr/bin/python
# SPDX-License-Identifier: MIT
#
# The Ansible module scm_service: a service of scm (the Service Control
# Manager for Linux) on the managed host, in the shape of win_service and
# ansible.builtin.systemd_service.  It writes the service's fields as a
# document of `scctl apply` (docs/config-as-code.md) and lets scctl compare
# and change them, so that the module and the CLI agree on what "changed"
# means; start, stop and delete are scctl's own verbs.

DOCUMENTATION = r"""
---
module: scm_service
short_description: Manage a service of scm, the Service Control Manager for Linux
description:
  - Creates, changes, starts, stops, restarts and deletes a service of scm's
    scmd on the managed host, through C(scctl) there.
  - The configuration is applied with C(scctl apply) (docs/config-as-code.md),
    and only the fields given are managed; a field left out is left as it is.
    A service's changes are all made or none (one transaction of scmd's).
  - Supports check mode and diff mode.
options:
  name:
    description: The service's name.
    type: str
    required: true
  state:
    description:
      - C(present) makes the configuration so and leaves the state alone;
        C(started) and C(stopped) also start or stop it when needed;
        C(restarted) always stops (when running) and starts it;
        C(reloaded) asks a running service to reload (C(scctl reload), which
        needs an scctl that has it; it is started when stopped);
        C(absent) stops and deletes it.
    type: str
    choices: [present, absent, started, stopped, restarted, reloaded]
    default: present
  enabled:
    description:
      - Whether it starts at boot; C(true) is start type C(auto), C(false)
        C(demand). Excludes I(start_type).
    type: bool
  start_type:
    description: boot, system, auto, delayed-auto, demand or disabled.
    type: str
  command_line:
    description: The command line (required to create the service).
    type: str
  display_name:
    type: str
    description: The display name.
  description:
    type: str
    description: The description.
  account:
    type: str
    description: The account it runs as (a user name, LocalSystem, LocalService, NetworkService).
  dependencies:
    type: list
    elements: str
    description: Service names, and group names after C(+).
  group:
    type: str
    description: Its load-order group.
  kind:
    type: str
    description: plain, native or notify.
  error_control:
    type: str
    description: ignore, normal, severe or critical.
  working_directory:
    type: str
    description: Its working folder.
  environment:
    type: list
    elements: str
    description: C(KEY=VALUE) entries (the whole list).
  limits:
    type: dict
    description: Resource limits, for example C(NOFILE=65535) written as a dict.
  stop_signal:
    type: str
    description: The signal a stop sends first.
  stop_timeout_ms:
    type: int
    description: How long a stop may take before the processes are killed.
  required_privileges:
    type: list
    elements: str
    description: Capabilities it runs with.
  sid_type:
    type: str
    description: none, unrestricted or restricted.
  writable_paths:
    type: list
    elements: str
    description: Where a restricted service may write.
  failure_actions:
    type: dict
    description:
      - What scmd does when it fails, as C(scctl qfailure --json) shows it
        (reset_period, actions, command, reboot_message, non_crash_failures).
  access_list:
    type: str
    description: Its access list in the text form (C(default) for the default list).
  parameters:
    type: dict
    description:
      - Its parameters, key -> value name -> {type, data}; the whole set.
  config:
    type: dict
    description: Any other field of the document, by its protocol name.
  scctl:
    type: str
    default: scctl
    description: The scctl to run on the managed host.
  scctl_args:
    type: list
    elements: str
    default: []
    description: Global options for scctl, e.g. C([--root, /srv/scm]).
"""

EXAMPLES = r"""
- name: The web service, running, restarted by scm when it fails
  scm.scm.scm_service:
    name: web
    command_line: /usr/bin/python3 -m http.server 8765
    account: nobody
    enabled: true
    environment: [PORT=8765]
    failure_actions:
      reset_period: 86400
      actions: [{type: restart, delay_ms: 5000}]
    state: started
"""

RETURN = r"""
changes:
  description: What scctl apply changed (or, in check mode, would change).
  returned: always
  type: list
"""

import json
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

FIELDS = [
    "command_line", "display_name", "description", "account", "dependencies", "group",
    "kind", "error_control", "working_directory", "environment", "limits", "stop_signal",
    "stop_timeout_ms", "required_privileges", "sid_type", "writable_paths",
    "failure_actions", "access_list", "parameters", "start_type",
]


def scctl(module, *args):
    cmd = [module.params["scctl"]] + module.params["scctl_args"] + list(args)
    return module.run_command(cmd)


def status_of(module, name):
    """The service's state, or None when there is no such service."""
    rc, out, err = scctl(module, "--json", "query", name)
    if rc != 0:
        if "SERVICE_DOES_NOT_EXIST" in out + err:
            return None
        module.fail_json(msg="scctl query %s failed: %s" % (name, (err or out).strip()))
    return json.loads(out.strip().splitlines()[-1]).get("state")


def document(module):
    p = module.params
    service = dict(p["config"] or {})
    for f in FIELDS:
        if p[f] is not None:
            service[f] = p[f]
    if p["enabled"] is not None:
        service["start_type"] = "auto" if p["enabled"] else "demand"
    if service.get("access_list") == "default":
        service["access_list"] = None
    return {"scm_config": 1, "services": {p["name"]: service}}


def apply(module, result):
    fd, path = tempfile.mkstemp(prefix="scm_service.", suffix=".json")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(document(module), f)
        args = ["--json", "apply"] + (["--dry-run"] if module.check_mode else []) + [path]
        rc, out, err = scctl(module, *args)
    finally:
        os.unlink(path)
    lines = out.strip().splitlines()
    try:
        report = json.loads(lines[-1])
    except (IndexError, ValueError):
        report = {}
    if rc != 0:
        module.fail_json(msg="scctl apply failed: %s" % (err or out).strip(), **result)
    changes = report.get("changes", [])
    result["changes"] = changes
    if changes:
        result["changed"] = True
        before, after = {}, {}
        for c in changes:
            if c.get("action") == "create":
                before["exists"], after["exists"] = False, True
            elif "field" in c:
                before[c["field"]], after[c["field"]] = c.get("old"), c.get("new")
        result["diff"] = {"before": before, "after": after}


def run(module, result, *args):
    result["changed"] = True
    if module.check_mode:
        return
    rc, out, err = scctl(module, *args)
    if rc != 0:
        module.fail_json(msg="scctl %s failed: %s" % (" ".join(args), (err or out).strip()),
                         **result)


def main():
    spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present",
                   choices=["present", "absent", "started", "stopped", "restarted",
                            "reloaded"]),
        enabled=dict(type="bool"),
        config=dict(type="dict"),
        scctl=dict(type="str", default="scctl"),
        scctl_args=dict(type="list", elements="str", default=[]),
    )
    for f in FIELDS:
        kind = "str"
        if f in ("dependencies", "environment", "required_privileges", "writable_paths"):
            spec[f] = dict(type="list", elements="str")
            continue
        if f in ("limits", "failure_actions", "parameters"):
            kind = "dict"
        elif f == "stop_timeout_ms":
            kind = "int"
        spec[f] = dict(type=kind)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True,
                           mutually_exclusive=[["enabled", "start_type"]])
    name, state = module.params["name"], module.params["state"]
    result = dict(changed=False, name=name, changes=[])

    if state == "absent":
        current = status_of(module, name)
        if current is not None:
            if current != "stopped":
                run(module, result, "stop", name, "--wait")
            run(module, result, "delete", name)
            result["diff"] = {"before": {"exists": True}, "after": {"exists": False}}
        module.exit_json(**result)

    apply(module, result)
    current = status_of(module, name)  # None in check mode for a service to create
    if state == "started" and current != "running":
        run(module, result, "start", name, "--wait")
    elif state == "stopped" and current not in ("stopped", None):
        run(module, result, "stop", name, "--wait")
    elif state == "reloaded":
        rc, out, err = scctl(module, "reload", "--help")
        if rc != 0:
            module.fail_json(msg="scctl on this host has no reload verb: %s" % (err or out).strip(),
                             **result)
        if current == "running":
            run(module, result, "reload", name)
        else:
            run(module, result, "start", name, "--wait")
    elif state == "restarted":
        if current not in ("stopped", None):
            run(module, result, "stop", name, "--wait")
        run(module, result, "start", name, "--wait")
    result["state"] = state
    module.exit_json(**result)


if __name__ == "__main__":
    main()
