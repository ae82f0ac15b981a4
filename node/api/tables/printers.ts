import { deploymentPrinter, replicaSetPrinter } from './apps-printers.js'
import type { ApiObject } from './printer.js'
import { nodePrinter } from './node-printer.js'
import { podPrinter } from './pod-printer.js'
import type { Printer } from './printer.js'
import { endpointsPrinter, eventPrinter, genericPrinter, namespacePrinter, rcPrinter, servicePrinter } from './workload-printers.js'

/** Each printer reads only the fields it knows, each optional, so any object fits. */
const PRINTERS: Record<string, Printer<never>> = {
  pods: podPrinter,
  replicationcontrollers: rcPrinter,
  replicasets: replicaSetPrinter,
  deployments: deploymentPrinter,
  services: servicePrinter,
  namespaces: namespacePrinter,
  events: eventPrinter,
  endpoints: endpointsPrinter,
  nodes: nodePrinter,
}

/** The table printer for a resource's plural name. */
export function printerFor(plural: string): Printer<ApiObject> {
  return (PRINTERS[plural] ?? genericPrinter) as Printer<ApiObject>
}
