import { MemoryStorage } from '../../../consensus/storage/memory-storage.js'
import { storageCompliance } from './compliance.js'

storageCompliance({ name: 'MemoryStorage', create: async () => new MemoryStorage() })
