import type { AllocationTable } from '../../allocation/allocation-table.js'
import type { RouteModule } from '../router.js'
import { mount } from '../router.js'

/** `/shoal/v1/allocations`: this node's copy of the committed allocation table. */
export function allocationRoutes(components: { allocations: AllocationTable }): RouteModule {
  return {
    register(app) {
      mount(app, '/shoal/v1/allocations', {
        GET: async () => {
          const { allocations } = components
          const items = allocations.all().sort((a, b) => (a.namespace + a.name < b.namespace + b.name ? -1 : 1))
          return { kind: 'AllocationList', apiVersion: 'shoal.io/v1', appliedIndex: allocations.index, items }
        },
      })
    },
  }
}
