/**
 * The simulator refuses, as the engine's REST layer does (`validateParameters`), a request
 * that lacks a value the engine insists on, with `400 Incomplete parameters` and the
 * engine's message; the same request with the value is accepted. Plain `fetch`, one
 * simulator, one table.
 */

import assert from "node:assert/strict";
import { startSimulator } from "../testing/mod.ts";
import { rawSender } from "./sim_session.ts";

const ZERO = "00000000-0000-0000-0000-000000000000";

/** One request the engine refuses without a value, and accepts with it. */
interface Case {
  /** `METHOD path`, the path below the API root; `{name}` is replaced by an id of `ids`. */
  readonly request: string;
  /** The body lacking the value. */
  readonly without: string;
  /** The engine's fault detail for it. */
  readonly detail: string;
  /** The same body with the value; none for a case of a rule tested with its value before. */
  readonly with?: string;
}

const NO_ACTION = "<action/>";
const WATCHDOG = "<watchdog><action>reset</action><model>i6300esb</model></watchdog>";
const TO_DATA = "<action><storage_domain><name>data</name></storage_domain></action>";
const CERTIFICATES =
  "<action><certificates><certificate><content>PEM</content></certificate></certificates></action>";

const CASES: readonly Case[] = [
  {
    request: "POST vms/{vm}/tags",
    without: "<tag/>",
    detail: "Tag [id|name] required for add",
    with: "<tag><name>t1</name></tag>",
  },
  {
    request: "POST affinitylabels",
    without: "<affinity_label/>",
    detail: "AffinityLabel [name] required for add",
    with: "<affinity_label><name>l2</name></affinity_label>",
  },
  {
    request: "POST affinitylabels/{label}/hosts",
    without: "<host/>",
    detail: "Host [id] required for add",
    with: '<host id="{host}"/>',
  },
  {
    request: "POST affinitylabels/{label}/vms",
    without: "<vm/>",
    detail: "Vm [id] required for add",
    with: '<vm id="{vm}"/>',
  },
  {
    request: "POST vms/{vm}/affinitylabels",
    without: "<affinity_label/>",
    detail: "AffinityLabel [id] required for add",
    with: '<affinity_label id="{otherlabel}"/>',
  },
  {
    request: "POST bookmarks",
    without: "<bookmark><value>vms: name=web*</value></bookmark>",
    detail: "Bookmark [name] required for add",
  },
  {
    request: "POST bookmarks",
    without: "<bookmark><name>web</name></bookmark>",
    detail: "Bookmark [value] required for add",
    with: "<bookmark><name>web</name><value>vms: name=web*</value></bookmark>",
  },
  {
    request: "POST clusters/{cluster}/networks",
    without: "<network/>",
    detail: "Network [id|name] required for add",
    with: '<network id="{network}"/>',
  },
  {
    request: "POST hosts/{host}/networkattachments",
    without: '<network_attachment><host_nic id="{nic}"/></network_attachment>',
    detail: "NetworkAttachment [network.id|name] required for add",
    with: '<network_attachment><network id="{network}"/><host_nic id="{nic}"/>' +
      "</network_attachment>",
  },
  {
    request: "POST networks/{network}/networklabels",
    without: "<network_label/>",
    detail: "NetworkLabel [id] required for add",
    with: '<network_label id="lab1"/>',
  },
  {
    request: "POST hosts/{host}/nics/{nic}/virtualfunctionallowednetworks",
    without: "<network/>",
    detail: "Network [id|name] required for add",
    with: '<network id="{network}"/>',
  },
  {
    request: "POST datacenters/{dc}/networks",
    without: "<network/>",
    detail: "Network [name] required for add",
    with: "<network><name>n2</name></network>",
  },
  {
    request: "POST vnicprofiles",
    without: "<vnic_profile><name>p1</name></vnic_profile>",
    detail: "VnicProfile [network.id] required for validateParameters",
    with: '<vnic_profile><name>p1</name><network id="{network}"/></vnic_profile>',
  },
  {
    request: "POST networks/{network}/vnicprofiles",
    without: "<vnic_profile/>",
    detail: "VnicProfile [name] required for validateParameters",
    with: "<vnic_profile><name>p2</name></vnic_profile>",
  },
  {
    request: "POST cpuprofiles",
    without: "<cpu_profile><name>c1</name></cpu_profile>",
    detail: "CpuProfile [cluster.id] required for validateParameters",
    with: '<cpu_profile><name>c1</name><cluster id="{cluster}"/></cpu_profile>',
  },
  {
    request: "POST clusters/{cluster}/cpuprofiles",
    without: "<cpu_profile/>",
    detail: "CpuProfile [name] required for validateParameters",
    with: "<cpu_profile><name>c2</name></cpu_profile>",
  },
  {
    request: "POST diskprofiles",
    without: "<disk_profile><name>d1</name></disk_profile>",
    detail: "DiskProfile [storage_domain.id] required for validateParameters",
    with: '<disk_profile><name>d1</name><storage_domain id="{data}"/></disk_profile>',
  },
  {
    request: "POST storagedomains/{data}/diskprofiles",
    without: "<disk_profile/>",
    detail: "DiskProfile [name] required for validateParameters",
    with: "<disk_profile><name>d2</name></disk_profile>",
  },
  {
    request: "POST vms/{vm}/numanodes",
    without: "<vm_numa_node><index>0</index></vm_numa_node>",
    detail: "VirtualNumaNode [memory, cpu] required for add",
    with: "<vm_numa_node><index>0</index><memory>1024</memory>" +
      "<cpu><cores><core><index>0</index></core></cores></cpu></vm_numa_node>",
  },
  {
    request: "POST roles",
    without: "<role><name>r2</name></role>",
    detail: "Role [permits.id] required for add",
    with: '<role><name>r2</name><permits><permit id="1"/></permits></role>',
  },
  {
    request: "POST datacenters/{dc}/iscsibonds",
    without: "<iscsi_bond/>",
    detail: "IscsiBond [name] required for add",
    with: "<iscsi_bond><name>bond1</name></iscsi_bond>",
  },
  {
    request: "POST datacenters/{dc}/qoss",
    without: "<qos/>",
    detail: "Qos [name, type] required for add",
    with: "<qos><name>q1</name><type>storage</type></qos>",
  },
  {
    request: "POST datacenters/{dc}/quotas",
    without: "<quota/>",
    detail: "Quota [name] required for add",
    with: "<quota><name>quota1</name></quota>",
  },
  {
    request: "POST roles/{role}/permits",
    without: "<permit/>",
    detail: "Permit [name|id] required for add",
    with: '<permit id="2"/>',
  },
  {
    request: "POST schedulingpolicies",
    without: "<scheduling_policy/>",
    detail: "SchedulingPolicy [name] required for add",
    with: "<scheduling_policy><name>sp1</name></scheduling_policy>",
  },
  {
    request: "POST jobs/{job}/steps",
    without: "<step/>",
    detail: "Step [type, description] required for add",
  },
  {
    request: "POST jobs/{job}/steps",
    without: "<step><type>executing</type><description>s</description><parent_step/></step>",
    detail: "Step [parent_step.id] required for add",
    with: "<step><type>executing</type><description>s</description></step>",
  },
  {
    request: "POST instancetypes",
    without: "<instance_type/>",
    detail: "InstanceType [name] required for add",
    with: "<instance_type><name>it2</name></instance_type>",
  },
  {
    request: "POST instancetypes/{instancetype}/nics",
    without: "<nic/>",
    detail: "Nic [name] required for add",
    with: "<nic><name>nic1</name></nic>",
  },
  {
    request: "POST templates/{template}/nics",
    without: "<nic/>",
    detail: "Nic [name] required for add",
    with: "<nic><name>nic9</name></nic>",
  },
  {
    request: "POST instancetypes/{instancetype}/watchdogs",
    without: "<watchdog><model>i6300esb</model></watchdog>",
    detail: "Watchdog [action] required for add",
    with: WATCHDOG,
  },
  {
    request: "POST templates/{template}/watchdogs",
    without: "<watchdog/>",
    detail: "Watchdog [action, model] required for add",
    with: WATCHDOG,
  },
  {
    request: "POST vms/{vm}/watchdogs",
    without: "<watchdog><action>reset</action></watchdog>",
    detail: "Watchdog [model] required for add",
    with: WATCHDOG,
  },
  {
    request: "POST vms/{vm}/cdroms",
    without: "<cdrom><file/></cdrom>",
    detail: "Cdrom [file.id] required for add",
    with: '<cdrom><file id="{iso}"/></cdrom>',
  },
  {
    request: `PUT vms/{vm}/cdroms/${ZERO}`,
    without: "<cdrom/>",
    detail: "Cdrom [file] required for update",
    with: '<cdrom><file id=""/></cdrom>',
  },
  {
    request: "POST vms/{vm}/hostdevices",
    without: "<host_device/>",
    detail: "HostDevice [id|name] required for add",
    with: "<host_device><name>pci_0000_00_02_0</name></host_device>",
  },
  {
    request: "POST vms/{vm}/nics/{vmnic}/networkfilterparameters",
    without: "<network_filter_parameter><name>IP</name></network_filter_parameter>",
    detail: "NetworkFilterParameter [value] required for add",
    with: "<network_filter_parameter><name>IP</name><value>10.0.0.1</value>" +
      "</network_filter_parameter>",
  },
  {
    request: "POST vms/{vm}/clone",
    without: NO_ACTION,
    detail: "Action [vm.name] required for doClone",
    with: "<action><vm><name>web-clone</name></vm></action>",
  },
  {
    request: "POST vms/{vm}/maintenance",
    without: NO_ACTION,
    detail: "Action [maintenance_enabled] required for maintenance",
    with: "<action><maintenance_enabled>false</maintenance_enabled></action>",
  },
  {
    request: "POST hosts/{host}/fenceagents",
    without: "<agent><address>ipmi.example.com</address></agent>",
    detail: "Agent [order, type, username, password] required for add",
    with: "<agent><address>ipmi.example.com</address><order>1</order><type>ipmilan</type>" +
      "<username>root</username><password>secret</password></agent>",
  },
  {
    request: "POST hosts/{host}/fence",
    without: NO_ACTION,
    detail: "Action [fence_type] required for fence",
    with: "<action><fence_type>status</fence_type></action>",
  },
  {
    request: "POST hosts/{host}/iscsilogin",
    without: "<action><iscsi><address>iscsi.example.com</address></iscsi></action>",
    detail: "Action [iscsi.target] required for iscsiLogin",
    with: "<action><iscsi><address>iscsi.example.com</address>" +
      "<target>iqn.2026-01.com.example:t1</target></iscsi></action>",
  },
  {
    request: "POST hosts/{host}/iscsidiscover",
    without: NO_ACTION,
    detail: "Action [iscsi.address] required for iscsiDiscover",
    with: "<action><iscsi><address>iscsi.example.com</address></iscsi></action>",
  },
  {
    request: "POST hosts/{host}/nics/{nic}/updatevirtualfunctionsconfiguration",
    without: "<action><virtual_functions_configuration/></action>",
    detail: "Action [virtual_functions_configuration.number_of_virtual_functions|" +
      "all_networks_allowed] required for updateVirtualFunctionsConfiguration",
    with: "<action><virtual_functions_configuration><all_networks_allowed>false" +
      "</all_networks_allowed></virtual_functions_configuration></action>",
  },
  {
    request: "POST storagedomains/{data}/isattached",
    without: NO_ACTION,
    detail: "Action [host.id|name] required for isAttached",
    with: "<action><host><name>host1</name></host></action>",
  },
  {
    request: "POST storagedomains/{data}/storageconnections",
    without: "<storage_connection/>",
    detail: "StorageConnection [id] required for add",
    with: '<storage_connection id="{connection}"/>',
  },
  {
    request: "POST storageconnections",
    without: "<storage_connection><address>nfs.example.com</address></storage_connection>",
    detail: "StorageConnection [type] required for add",
  },
  {
    request: "POST storageconnections",
    without: "<storage_connection><type>nfs</type></storage_connection>",
    detail: "StorageConnection [address, path] required for add",
  },
  {
    request: "POST storageconnections",
    without: "<storage_connection><type>iscsi</type><address>iscsi.example.com</address>" +
      "</storage_connection>",
    detail: "StorageConnection [target, port] required for add",
  },
  {
    request: "POST storageconnections",
    without: "<storage_connection><type>posixfs</type><path>/p</path></storage_connection>",
    detail: "StorageConnection [vfs_type] required for add",
    with: "<storage_connection><type>posixfs</type><path>/p</path><vfs_type>ext4</vfs_type>" +
      "</storage_connection>",
  },
  {
    request: "POST storagedomains/{export}/templates/{template}/import",
    without: NO_ACTION,
    detail: "Action [storage_domain.id|name] required for doImport",
    with: "<action><storage_domain><name>data</name></storage_domain><clone>true</clone>" +
      "<template><name>imported</name></template></action>",
  },
  {
    request: "POST storagedomains/{glance}/images/{image}/import",
    without: NO_ACTION,
    detail: "Action [storage_domain.id|name] required for doImport",
  },
  {
    request: "POST storagedomains/{glance}/images/{image}/import",
    without: TO_DATA.replace("</action>", "<import_as_template>true</import_as_template></action>"),
    detail: "Action [cluster.id|name] required for doImport",
    with: TO_DATA,
  },
  {
    request: "POST openstackimageproviders/{glanceprovider}/images/{providerimage}/import",
    without: "<action><import_as_template>true</import_as_template></action>",
    detail: "Action [storage_domain.id|name] required for doImport",
  },
  {
    request: "POST openstackimageproviders/{glanceprovider}/images/{providerimage}/import",
    without: TO_DATA.replace("</action>", "<import_as_template>true</import_as_template></action>"),
    detail: "Action [cluster.id|name] required for doImport",
    with: TO_DATA,
  },
  {
    request: "POST externalhostproviders",
    without: "<external_host_provider/>",
    detail: "ExternalHostProvider [name] required for add",
    with: "<external_host_provider><name>foreman2</name></external_host_provider>",
  },
  {
    request: "POST openstackimageproviders",
    without: "<openstack_image_provider/>",
    detail: "OpenStackImageProvider [name] required for add",
    with: "<openstack_image_provider><name>glance2</name></openstack_image_provider>",
  },
  {
    request: "POST openstacknetworkproviders",
    without: "<openstack_network_provider/>",
    detail: "OpenStackNetworkProvider [name] required for add",
    with: "<openstack_network_provider><name>neutron2</name></openstack_network_provider>",
  },
  ...[
    "externalhostproviders/{hostprovider}",
    "openstackimageproviders/{glanceprovider}",
    "openstacknetworkproviders/{networkprovider}",
    "openstackvolumeproviders/{volumeprovider}",
  ].map((provider) => ({
    request: `POST ${provider}/importcertificates`,
    without: NO_ACTION,
    detail: "Action [certificates.content] required for importCertificates",
    with: CERTIFICATES,
  })),
  {
    request: "POST disks/{disk}/export",
    without: NO_ACTION,
    detail: "Action [storage_domain.id|name] required for export",
    with: '<action><storage_domain id="{glance}"/></action>',
  },
  {
    request: "POST disks/{disk}/refreshlun",
    without: NO_ACTION,
    detail: "Action [host.id|name] required for refreshLun",
    with: "<action><host><name>host1</name></host></action>",
  },
  {
    request: "POST clusters/{cluster}/glustervolumes",
    without: "<gluster_volume><name>gv1</name></gluster_volume>",
    detail: "GlusterVolume [volume_type, bricks] required for add",
    with: "<gluster_volume><name>gv1</name><volume_type>distribute</volume_type><bricks>" +
      "<brick><server_id>{host}</server_id><brick_dir>/b1</brick_dir></brick>" +
      "</bricks></gluster_volume>",
  },
  {
    request: "POST clusters/{cluster}/glustervolumes/{volume}/setoption",
    without: NO_ACTION,
    detail: "Option [name, value] required for setOption",
  },
  {
    request: "POST clusters/{cluster}/glustervolumes/{volume}/setoption",
    without: "<action><option><name>auth.allow</name></option></action>",
    detail: "Option [value] required for setOption",
    with: "<action><option><name>auth.allow</name><value>*</value></option></action>",
  },
  {
    request: "POST clusters/{cluster}/glustervolumes/{volume}/resetoption",
    without: "<action><option/></action>",
    detail: "Option [name] required for resetOption",
    with: "<action><option><name>auth.allow</name></option></action>",
  },
  {
    request: "POST clusters/{cluster}/glustervolumes/{volume}/glusterbricks",
    without: "<bricks><brick><server_id>{host}</server_id></brick></bricks>",
    detail: "GlusterBrick [brick_dir] required for add",
    with: "<bricks><brick><server_id>{host}</server_id><brick_dir>/b2</brick_dir></brick></bricks>",
  },
  ...["activate", "migrate", "stopmigrate"].map((action) => ({
    request: `POST clusters/{cluster}/glustervolumes/{volume}/glusterbricks/${action}`,
    without: NO_ACTION,
    detail: `Action [bricks] required for ${action === "stopmigrate" ? "stopMigrate" : action}`,
    with: '<action><bricks><brick id="{brick}"/></bricks></action>',
  })),
  {
    request: "DELETE clusters/{cluster}/glustervolumes/{volume}/glusterbricks",
    without: "<action><bricks><brick><brick_dir>/b2</brick_dir></brick></bricks></action>",
    detail: "GlusterBrick [id|name] required for remove",
    with: '<action><bricks><brick id="{brick}"/></bricks></action>',
  },
];

Deno.test("simulator: a request lacking a value the engine requires gets its 400, with it passes", async () => {
  await using sim = await startSimulator({ delay: 0 });
  const send = rawSender(sim);
  const ids = await setUp(send);
  const filled = (text: string) =>
    text.replace(/\{(\w+)\}/g, (_, name: string) => {
      assert.ok(ids[name] !== undefined, `no id ${name}`);
      return ids[name];
    });
  const failures: string[] = [];
  for (const { request, without, detail, with: complete } of CASES) {
    const [method, path] = filled(request).split(" ");
    const refused = await send(method, path, filled(without));
    const expected = `<reason>Incomplete parameters</reason><detail>${detail}</detail>`;
    if (refused.status !== 400 || !refused.text.replace(/\s*\n\s*/g, "").includes(expected)) {
      failures.push(`${request} ${without}: ${refused.status} ${refused.text}`);
    }
    if (complete === undefined) continue;
    const accepted = await send(method, path, filled(complete));
    if (accepted.status >= 300) {
      failures.push(`${request} ${complete}: ${accepted.status} ${accepted.text}`);
    }
  }
  assert.deepEqual(failures, []);
});

type Send = (method: string, path: string, body?: string) => Promise<{
  status: number;
  text: string;
}>;

/** The objects the cases act on, by the names the cases use. */
async function setUp(send: Send): Promise<Record<string, string>> {
  const first = async (path: string) => {
    const { text } = await send("GET", path);
    const found = /id="([^"]+)"/.exec(text);
    assert.ok(found, `nothing at ${path}: ${text}`);
    return found[1];
  };
  const add = async (path: string, body: string) => {
    const { status, text } = await send("POST", path, body);
    assert.ok(status < 300, `${path}: ${status} ${text}`);
    return /id="([^"]+)"/.exec(text)?.[1] ?? "";
  };
  const ids: Record<string, string> = {
    vm: await first("vms?search=status%3Ddown&max=1"),
    host: await first("hosts?search=name%3Dhost1"),
    cluster: await first("clusters?search=name%3DDefault"),
    dc: await first("datacenters?search=name%3DDefault"),
    data: await first("storagedomains?search=name%3Ddata"),
    glance: await first("storagedomains?search=name%3Dovirt-image-repository"),
    glanceprovider: await first("openstackimageproviders"),
    template: await first("templates?search=name%3Dcentos9"),
    iso: "centos-stream-9.iso",
  };
  ids.nic = await first(`hosts/${ids.host}/nics`);
  ids.vmnic = await first(`vms/${ids.vm}/nics`);
  ids.image = await first(`storagedomains/${ids.glance}/images`);
  ids.providerimage = await first(`openstackimageproviders/${ids.glanceprovider}/images`);
  ids.label = await add("affinitylabels", "<affinity_label><name>l1</name></affinity_label>");
  ids.otherlabel = await add("affinitylabels", "<affinity_label><name>l0</name></affinity_label>");
  await add("tags", "<tag><name>t1</name></tag>");
  ids.network = await add(
    "networks",
    `<network><name>n1</name><data_center id="${ids.dc}"/></network>`,
  );
  ids.role = await add(
    "roles",
    '<role><name>r1</name><permits><permit id="1"/></permits></role>',
  );
  ids.job = await add("jobs", "<job><description>j1</description></job>");
  ids.instancetype = await add("instancetypes", "<instance_type><name>it1</name></instance_type>");
  ids.hostprovider = await add(
    "externalhostproviders",
    "<external_host_provider><name>foreman</name></external_host_provider>",
  );
  ids.networkprovider = await add(
    "openstacknetworkproviders",
    "<openstack_network_provider><name>neutron</name></openstack_network_provider>",
  );
  ids.volumeprovider = await add(
    "openstackvolumeproviders",
    "<openstack_volume_provider><name>cinder</name></openstack_volume_provider>",
  );
  ids.connection = await add(
    "storageconnections",
    "<storage_connection><type>nfs</type><address>nfs.example.com</address><path>/more</path>" +
      "</storage_connection>",
  );
  ids.disk = await add(
    "disks",
    "<disk><name>floating</name><format>raw</format><provisioned_size>1048576</provisioned_size>" +
      '<storage_domains><storage_domain name="data"/></storage_domains></disk>',
  );
  ids.volume = await add(
    `clusters/${ids.cluster}/glustervolumes`,
    "<gluster_volume><name>gv0</name><volume_type>distribute</volume_type><bricks>" +
      `<brick><server_id>${ids.host}</server_id><brick_dir>/b0</brick_dir></brick>` +
      "</bricks></gluster_volume>",
  );
  ids.brick = await add(
    `clusters/${ids.cluster}/glustervolumes/${ids.volume}/glusterbricks`,
    `<bricks><brick><server_id>${ids.host}</server_id><brick_dir>/b1</brick_dir></brick></bricks>`,
  );
  ids.export = await exportDomainWith(send, ids.dc, ids.template);
  return ids;
}

/** An export domain, active in data center `dc`, to which template `template` is exported. */
async function exportDomainWith(send: Send, dc: string, template: string): Promise<string> {
  const made = await send(
    "POST",
    "storagedomains",
    "<storage_domain><name>export1</name><type>export</type><host><name>host1</name></host>" +
      "<storage><type>nfs</type><address>nfs.example.com</address><path>/exp</path></storage>" +
      "</storage_domain>",
  );
  const domain = /id="([^"]+)"/.exec(made.text)![1];
  await send("POST", `datacenters/${dc}/storagedomains`, `<storage_domain id="${domain}"/>`);
  await until(send, `datacenters/${dc}/storagedomains/${domain}`, /<status>active</);
  const exported = await send(
    "POST",
    `templates/${template}/export`,
    `<action><storage_domain id="${domain}"/></action>`,
  );
  assert.equal(exported.status, 200, exported.text);
  await until(send, `storagedomains/${domain}/templates`, new RegExp(`id="${template}"`));
  return domain;
}

/** Waits until the answer to a `GET` of `path` matches `pattern`. */
async function until(send: Send, path: string, pattern: RegExp): Promise<void> {
  for (let tries = 0; !pattern.test((await send("GET", path)).text); tries++) {
    assert.ok(tries < 500, `${path} never matched ${pattern}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
